import { forwardRef, useEffect, useState, type ReactNode, type SyntheticEvent } from 'react'
import type { ClipDetail, PreviewState } from '../../../shared/contract'
import { useApi } from '../api'
import { errorMessage } from '../app/errors'

interface PlayerProps {
  clip: ClipDetail
  onTime(t: number): void
  onPlaying(playing: boolean): void
}

/**
 * The clip's <video>, falling back to a preview transcode (clips.preview) when the engine cannot decode the file:
 * on a decode error, or when the video track decodes to 0×0 (audio playing under black).
 */
export const Player = forwardRef<HTMLVideoElement, PlayerProps>(function Player({ clip, onTime, onPlaying }, ref) {
  const api = useApi()
  const [problem, setProblem] = useState<'network' | 'unplayable' | null>(null)
  const [preview, setPreview] = useState<PreviewState | null>(null)
  const [startError, setStartError] = useState<string | null>(null)
  const [forId, setForId] = useState(clip.id)
  if (forId !== clip.id) {
    setForId(clip.id)
    setProblem(null)
    setPreview(null)
    setStartError(null)
  }

  useEffect(() => api.on('preview.onProgress', (p) => p.clipId === clip.id && setPreview(p)), [api, clip.id])

  // Once the engine has failed, make (or reuse) the preview straight away: the user came here to watch.
  useEffect(() => {
    if (problem !== 'unplayable') return
    let stale = false
    api.invoke('clips.preview', { id: clip.id, start: true }).then(
      (p) => !stale && setPreview((cur) => (cur?.state === 'ready' ? cur : p)),
      (err: unknown) => !stale && setStartError(errorMessage(err))
    )
    return () => {
      stale = true
    }
  }, [api, clip.id, problem])

  if (clip.status === 'error') {
    return (
      <div className="player-message error" role="alert">
        <h2>This file could not be read</h2>
        <p>{clip.error ?? 'ffprobe failed on this file without saying why.'}</p>
        <p className="muted">The details on the right are what could be gathered before it failed.</p>
      </div>
    )
  }
  if (clip.status === 'missing') {
    return (
      <div className="player-message" role="alert">
        <h2>The file is missing</h2>
        <p>It is no longer at this path. It may have been moved, renamed or deleted, or its drive is disconnected.</p>
        <p className="path-text">{clip.path}</p>
      </div>
    )
  }

  const previewReady = problem === 'unplayable' && preview?.state === 'ready' && preview.url
  const src = previewReady ? preview.url! : clip.mediaUrl

  const onError = (event: SyntheticEvent<HTMLVideoElement>): void => {
    if (previewReady) {
      setStartError('The preview could not be played either.')
      return
    }
    // MEDIA_ERR_NETWORK (2): the file could not be fetched; anything else is about decoding it.
    setProblem(event.currentTarget.error?.code === 2 ? 'network' : 'unplayable')
  }
  const onLoadedMetadata = (event: SyntheticEvent<HTMLVideoElement>): void => {
    const v = event.currentTarget
    if (!previewReady && v.videoWidth === 0 && clip.width !== null && clip.width > 0) setProblem('unplayable')
  }

  const codec = clip.codec ?? 'this codec'
  let message: ReactNode = null
  if (problem === 'network') {
    message = (
      <div className="player-message" role="alert">
        <h2>Cannot load this clip</h2>
        <p>The file could not be loaded for playback. It may have been moved or be unreadable.</p>
      </div>
    )
  } else if (problem === 'unplayable' && !previewReady) {
    const failed = preview?.state === 'failed' || startError
    const pct = preview?.progress != null ? Math.round(preview.progress * 100) : null
    message = (
      <div className={`player-message${failed ? ' error' : ''}`} role={failed ? 'alert' : 'status'}>
        <h2>{failed ? 'No playable preview' : 'Making a playable preview…'}</h2>
        <p>
          This browser engine cannot play {codec}. VQA Inspector transcodes it once with ffmpeg (H.264, up to 1280 px wide) and keeps the
          preview in its cache; scores are always measured on the original file.
        </p>
        {failed ? (
          <>
            <p className="muted">{preview?.error ?? startError}</p>
            <button
              type="button"
              className="button"
              onClick={() => {
                setStartError(null)
                setPreview(null)
                void api.invoke('clips.preview', { id: clip.id, start: true }).then(setPreview, (err: unknown) => setStartError(errorMessage(err)))
              }}
            >
              Try again
            </button>
          </>
        ) : (
          <div className="preview-progress">
            <progress aria-label="Preview transcode" max={1} value={preview?.progress ?? undefined} />
            <span className="muted">{pct === null ? 'Starting…' : `${pct} %`}</span>
          </div>
        )}
      </div>
    )
  }

  return (
    <div className="player">
      {message ?? (
        <video
          ref={ref}
          key={src}
          className="video"
          controls
          preload="metadata"
          src={src}
          poster={previewReady ? undefined : clip.thumbnailUrl || undefined}
          autoPlay={Boolean(previewReady)}
          onError={onError}
          onLoadedMetadata={onLoadedMetadata}
          onTimeUpdate={(e) => onTime(e.currentTarget.currentTime)}
          onSeeked={(e) => onTime(e.currentTarget.currentTime)}
          onPlay={() => onPlaying(true)}
          onPause={() => onPlaying(false)}
          onEnded={() => onPlaying(false)}
        />
      )}
    </div>
  )
})
