import { useState, type ReactNode } from 'react'
import type { AudioStream, ClipDetail } from '../../../shared/contract'
import {
  UNKNOWN,
  describeHdr,
  describeInterlaced,
  describePrimaries,
  describeRange,
  describeTransfer,
  formatBitrate,
  formatBytes,
  formatChannels,
  formatDateTime,
  formatDuration,
  formatFps,
  formatInteger,
  formatResolution,
  formatSampleRate
} from '../format'

/** Every field of the clip, grouped the way an editor looks for them. */
export function ClipMetadata({ clip }: { clip: ClipDetail }) {
  const rotated = clip.rotation !== 0
  const displayDiffers = clip.displayWidth !== clip.width || clip.displayHeight !== clip.height
  return (
    <div className="metadata">
      <Section title="File">
        <Field label="Path">
          <span className="path-text selectable">{clip.path}</span>
          <CopyButton text={clip.path} label="Copy path" />
        </Field>
        <Field label="Container">{clip.container ?? UNKNOWN}</Field>
        <Field label="File size">
          {formatBytes(clip.size)} <span className="muted">({formatInteger(clip.size)} bytes)</span>
        </Field>
        <Field label="Modified">{formatDateTime(clip.mtimeMs)}</Field>
      </Section>

      <Section title="Video">
        <Field label="Codec">
          {clip.codec ?? UNKNOWN}
          {clip.profile && <span className="muted"> · {clip.profile}</span>}
        </Field>
        <Field label="Resolution">
          {formatResolution(clip.width, clip.height)}
          {(displayDiffers || rotated) && (
            <span className="muted">
              {' '}
              stored
              {displayDiffers && <>, shown {formatResolution(clip.displayWidth, clip.displayHeight)}</>}
            </span>
          )}
        </Field>
        <Field label="Rotation">{rotated ? `${clip.rotation}°` : 'None'}</Field>
        <Field label="Frame rate">
          {clip.fps === null ? UNKNOWN : `${formatFps(clip.fps)} fps`}
          {clip.variableFrameRate && <span className="tag">variable</span>}
        </Field>
        <Field label="Duration">
          {formatDuration(clip.duration)}
          {clip.duration !== null && <span className="muted"> ({clip.duration.toFixed(3)} s)</span>}
        </Field>
        <Field label="Frame count">{clip.frameCount === null ? UNKNOWN : formatInteger(clip.frameCount)}</Field>
        <Field label="Bitrate">{formatBitrate(clip.bitrate)}</Field>
        <Field label="Scan">{describeInterlaced(clip.interlaced)}</Field>
      </Section>

      <Section title="Colour">
        <Field label="Dynamic range">
          {clip.hdr ? <span className="tag hdr">{describeHdr(clip.hdr)}</span> : describeHdr(clip.hdr)}
        </Field>
        <Field label="Pixel format">{clip.pixelFormat ?? UNKNOWN}</Field>
        <Field label="Bit depth">{clip.bitDepth === null ? UNKNOWN : `${clip.bitDepth}-bit`}</Field>
        <Field label="Chroma subsampling">{clip.chromaSubsampling ?? UNKNOWN}</Field>
        <Field label="Transfer">{describeTransfer(clip.colorTransfer)}</Field>
        <Field label="Primaries">{describePrimaries(clip.colorPrimaries)}</Field>
        <Field label="Range">{describeRange(clip.colorRange)}</Field>
      </Section>

      <Section title="Audio">
        {clip.audio.length === 0 ? (
          <Field label="Streams">No audio</Field>
        ) : (
          clip.audio.map((stream, i) => (
            <Field key={i} label={clip.audio.length > 1 ? `Stream ${i + 1}` : 'Stream'}>
              {describeAudio(stream)}
            </Field>
          ))
        )}
      </Section>

      <Section title="Catalogue">
        <Field label="Fingerprint">
          <span className="mono selectable">{clip.fingerprint}</span>
        </Field>
        <Field label="Probed">{formatDateTime(clip.probedAt)}</Field>
        <Field label="Added">{formatDateTime(clip.addedAt)}</Field>
        <Field label="Clip ID">{clip.id}</Field>
      </Section>
    </div>
  )
}

function describeAudio(stream: AudioStream): string {
  const parts = [stream.codec, formatChannels(stream.channels), formatSampleRate(stream.sampleRate)]
  if (stream.language && stream.language !== 'und') parts.push(stream.language)
  return parts.filter((p) => p !== UNKNOWN).join(' · ')
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="meta-section">
      <h2 className="meta-heading">{title}</h2>
      <dl className="meta-list">{children}</dl>
    </section>
  )
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="meta-field">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  )
}

function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState(false)
  if (!navigator.clipboard) return null
  return (
    <button
      type="button"
      className="button small copy-button"
      onClick={() => {
        navigator.clipboard.writeText(text).then(
          () => {
            setCopied(true)
            setTimeout(() => setCopied(false), 1500)
          },
          () => undefined
        )
      }}
    >
      {copied ? 'Copied' : label}
    </button>
  )
}
