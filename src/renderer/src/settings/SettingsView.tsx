import { useCallback, useEffect, useId, useState } from 'react'
import type { AppInfo, EngineStatus, Folder, ModelPackInfo, Settings } from '../../../shared/contract'
import { useApi } from '../api'
import { errorMessage } from '../app/errors'
import { useNotify } from '../app/Notices'
import { useSettings } from '../app/settings'
import { formatCount } from '../format'
import { ConfirmRemove } from '../library/ConfirmRemove'
import { FolderPicker } from '../library/FolderPicker'
import { basename } from '../paths'
import { parseRuleNumber, presetOf, PRESET_RULES, type FlagRules, type PresetName } from './flagRules'
import './settings.css'

export function SettingsView({ appInfo }: { appInfo: AppInfo | null }) {
  const { settings, update } = useSettings()
  return (
    <div className="page settings-page">
      <h1>Settings</h1>
      <ModelPacks appInfo={appInfo} />
      <Engine hwDecode={settings?.hwDecode ?? null} />
      {settings && <Scoring settings={settings} update={update} />}
      {settings && <FlagRulesSection settings={settings} update={update} />}
      <WatchedFolders appInfo={appInfo} />
      {settings && <Appearance settings={settings} update={update} />}
      <DataLocation appInfo={appInfo} />
    </div>
  )
}

type Update = (patch: Partial<Settings>) => Promise<Settings | null>

function Section({ id, title, children }: { id: string; title: string; children: React.ReactNode }) {
  return (
    <section className="settings-section" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  )
}

function ModelPacks({ appInfo }: { appInfo: AppInfo | null }) {
  const api = useApi()
  const notify = useNotify()
  const [packs, setPacks] = useState<ModelPackInfo[] | null>(null)
  const [picking, setPicking] = useState(false)
  const load = useCallback(() => {
    api.invoke('models.list', {}).then(setPacks, (err: unknown) => notify(`Could not list model packs: ${errorMessage(err)}`, 'error'))
  }, [api, notify])
  useEffect(() => {
    load()
    return api.on('settings.onDidChange', load)
  }, [api, load])
  useEffect(() => api.on('training.onProgress', (r) => r.state === 'done' && load()), [api, load])

  const activate = (p: ModelPackInfo): void => {
    api.invoke('models.activate', { dir: p.dir }).then(
      (list) => {
        setPacks(list)
        notify(`${p.name} ${p.version} is now the active model. New scores use it; re-score older ones from the Library or the Fine-tuning page.`)
      },
      (err: unknown) => notify(errorMessage(err), 'error')
    )
  }
  const importFrom = async (path: string): Promise<void> => {
    const list = await api.invoke('models.import', { path })
    setPacks(list)
    setPicking(false)
    notify('Model pack imported. Activate it to score with it.')
  }
  const startImport = (): void => {
    if (!appInfo?.nativeFolderPicker) return setPicking(true)
    api
      .invoke('folders.pickNative', {})
      .then(({ path }) => (path ? importFrom(path) : undefined))
      .catch((err: unknown) => notify(`Could not import the pack: ${errorMessage(err)}`, 'error'))
  }

  return (
    <Section id="set-models" title="Model packs">
      <p className="muted">
        The active pack scores new clips. A pack is a folder with a manifest and ONNX files; fine-tuned versions of your own appear here
        too. Earlier scores are kept when you switch, so versions can be compared.
      </p>
      {packs === null ? (
        <p className="muted">Loading…</p>
      ) : (
        <ul className="pack-list">
          {packs.map((p) => (
            <li key={p.dir} className={`pack${p.active ? ' active' : ''}${p.error ? ' broken' : ''}`}>
              <div className="pack-head">
                <h3>
                  {p.title ?? p.name ?? basename(p.dir)} {p.version && <span className="muted">{p.version}</span>}
                </h3>
                {p.active ? (
                  <span className="badge badge-ok">Active</span>
                ) : (
                  !p.error && (
                    <button type="button" className="button" onClick={() => activate(p)} aria-label={`Activate ${p.name ?? ''} ${p.version ?? ''}`.trim()}>
                      Activate
                    </button>
                  )
                )}
              </div>
              {p.error ? (
                <p className="form-error">This pack cannot be used: {p.error}</p>
              ) : (
                <>
                  {p.description && <p>{p.description}</p>}
                  <p className={p.humanOpinionScores ? 'pack-provenance' : 'pack-provenance synthetic'}>
                    {/* The headline is the manifest's yes/no; a summary that already says it is not repeated. */}
                    {!(p.provenance && /human (opinion|rating|score)/i.test(p.provenance)) && <strong>{provenanceHeadline(p.humanOpinionScores)} </strong>}
                    {p.provenance ?? 'The manifest does not say what it was trained on.'}
                  </p>
                  <p className="muted small">
                    {p.origin === 'builtin' ? 'Built in' : 'Imported or fine-tuned'} · licence {p.licence ?? 'not stated'} · distortions:{' '}
                    {p.distortions.map((d) => d.label).join(', ') || 'none (a score only)'}
                  </p>
                  <p className="muted small path-text">{p.dir}</p>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      <button type="button" className="button" onClick={startImport}>
        Import pack…
      </button>
      {picking && <FolderPicker startPath={appInfo?.homeDir} title="Choose a model pack folder" actionLabel="Import this pack" onCancel={() => setPicking(false)} onAdd={importFrom} />}
    </Section>
  )
}

/** Says plainly whether a pack's idea of quality came from people; a manifest that does not say is not a "no". */
function provenanceHeadline(humanOpinionScores: boolean | null): string {
  if (humanOpinionScores === null) return 'Training data not stated.'
  return humanOpinionScores ? 'Learned from human opinion scores.' : 'Not trained on human opinion scores.'
}

/** How video is decoded, in words: the method in use, or software and why. */
function decodeSentence(d: EngineStatus['decode']): string {
  if (d.method) return `Video is decoded in hardware (${d.method}).`
  if (d.preference === 'off') return `Video is decoded in software (hardware decoding is off${d.source === 'settings' ? '' : `, set by the ${d.source}`}).`
  const why = d.rejected.map((r) => `${r.method}: ${r.reason}`).join('; ')
  return `Video is decoded in software: ${d.rejected.length ? `no hardware decoder passed a test decode here (${why})` : 'this ffmpeg offers no hardware decoder for this system'}.`
}

function Engine({ hwDecode }: { hwDecode: Settings['hwDecode'] | null }) {
  const api = useApi()
  const [status, setStatus] = useState<EngineStatus | null>(null)
  const [error, setError] = useState<string | null>(null)
  const load = useCallback(() => {
    api.invoke('engine.status', {}).then(
      (s) => {
        setStatus(s)
        setError(null)
      },
      (err: unknown) => setError(errorMessage(err))
    )
  }, [api])
  // Again when the decoding setting changes: the core tests the new preference.
  useEffect(load, [load, hwDecode])
  // The provider is only known once a pack has loaded, which the first scoring does: look again when a job ends.
  useEffect(() => api.on('jobs.onProgress', (j) => j.finishedAt !== null && load()), [api, load])
  return (
    <Section id="set-engine" title="Execution provider and decoding">
      {error && (
        <p className="form-error" role="alert">
          Could not read the engine’s status: {error}
        </p>
      )}
      {!status && !error && <p className="muted">Loading…</p>}
      {status && (
        <p>
          The model runs on <strong>{status.provider === 'cuda' ? 'the GPU (CUDA)' : status.provider === 'cpu' ? 'the CPU' : 'the CPU until the first score'}</strong>
          {status.requested !== 'auto' ? ` (asked for: ${status.requested.toUpperCase()})` : ' (chosen automatically)'}.
        </p>
      )}
      {status?.warning && (
        <p className="form-error" role="alert">
          {status.warning}
        </p>
      )}
      {status && <p data-testid="decode-status">{decodeSentence(status.decode)}</p>}
      <details className="gpu-help">
        <summary>Using an NVIDIA GPU</summary>
        <p>
          ONNX Runtime’s CUDA provider needs Linux x64, an NVIDIA GPU with CUDA 12 and cuDNN 9, and the provider’s libraries, which
          onnxruntime-node downloads when it is installed with internet access. {status?.cudaPackageInstalled ? 'They are installed here.' : 'They are not installed here.'}
        </p>
        <pre>ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node</pre>
        <p className="muted small">
          An install made with <code>ONNXRUNTIME_NODE_INSTALL=skip</code> (or offline) has no CUDA libraries; the command above, run with internet
          access, adds them.
        </p>
        <p className="muted small">
          Without them, or when CUDA fails to start, scoring runs on the CPU and says so here. <code>vqa score --ep cuda</code> asks for the GPU
          from the command line.
        </p>
      </details>
    </Section>
  )
}

function Scoring({ settings, update }: { settings: Settings; update: Update }) {
  return (
    <Section id="set-scoring" title="Scoring">
      <div className="settings-row">
        <NumberField
          // Keyed by the saved value so a change made elsewhere (another window, a preset) replaces the text.
          key={String(settings.segmentSeconds)}
          label="Segment length (seconds)"
          value={settings.segmentSeconds}
          min={0.5}
          max={60}
          placeholder="the pack’s own (2 s)"
          invalidText="From 0.5 to 60 seconds, or empty for the pack’s own."
          onSave={(v) => void update({ segmentSeconds: v })}
        />
        <label className="field">
          <span>Scoring mode</span>
          <select className="select" value={settings.mode} onChange={(e) => void update({ mode: e.target.value === 'fast' ? 'fast' : 'full' })}>
            <option value="full">Full: every frame of every segment</option>
            <option value="fast">Fast triage: 0.3 s of each segment</option>
          </select>
        </label>
        <label className="field">
          <span>Hardware decoding</span>
          <select className="select" value={settings.hwDecode} onChange={(e) => void update({ hwDecode: e.target.value === 'off' ? 'off' : 'auto' })}>
            <option value="auto">Automatic, if a test passes</option>
            <option value="off">Off: software only</option>
          </select>
        </label>
      </div>
      <p className="muted small">Used by the Score button and by new jobs; a clip already scored with the same model and mode is not scored again.</p>
    </Section>
  )
}

function FlagRulesSection({ settings, update }: { settings: Settings; update: Update }) {
  const rules = settings.flagRules
  const save = (next: FlagRules): void => void update({ flagRules: next, flagPreset: presetOf(next) })
  return (
    <Section id="set-flags" title="Flag rules">
      <p className="muted">A scored clip is flagged for review when any rule holds; each flag says which rule and when. Changing the rules re-flags the clips already scored (without decoding them again).</p>
      <label className="field narrow">
        <span>Flag preset</span>
        <select
          className="select"
          value={settings.flagPreset}
          onChange={(e) => {
            const p = e.target.value as PresetName | 'custom'
            if (p !== 'custom') void update({ flagPreset: p, flagRules: PRESET_RULES[p] })
          }}
        >
          <option value="lenient">Lenient: only clear failures</option>
          <option value="standard">Standard</option>
          <option value="strict">Strict: anything noticeable</option>
          <option value="custom" disabled={settings.flagPreset !== 'custom'}>
            Custom
          </option>
        </select>
      </label>
      {/* Three per row, the distortion rule's two values side by side. */}
      <div className="rules-grid">
        <RuleField key={`c${rules.clipBelow}`} label="Clip score below" value={rules.clipBelow} min={1} max={5} onSave={(v) => save({ ...rules, clipBelow: v })} />
        <RuleField key={`s${rules.segmentBelow}`} label="Any segment below" value={rules.segmentBelow} min={1} max={5} onSave={(v) => save({ ...rules, segmentBelow: v })} />
        <RuleField key={`b${rules.blackOrFrozenSeconds}`} label="Black or frozen for (seconds)" value={rules.blackOrFrozenSeconds} min={0} max={3600} onSave={(v) => save({ ...rules, blackOrFrozenSeconds: v })} />
        <RuleField
          key={`d${rules.distortion?.severity}`}
          label="Distortion severity at least"
          value={rules.distortion?.severity ?? null}
          min={0}
          max={1}
          onSave={(v) => save({ ...rules, distortion: v === null ? null : { severity: v, seconds: rules.distortion?.seconds ?? 2 } })}
        />
        <RuleField
          key={`t${rules.distortion?.seconds}`}
          label="Distortion lasting at least (seconds)"
          value={rules.distortion?.seconds ?? null}
          min={0}
          max={3600}
          disabled={rules.distortion === null}
          onSave={(v) => rules.distortion && v !== null && save({ ...rules, distortion: { ...rules.distortion, seconds: v } })}
        />
        <RuleField key={`a${rules.silentSeconds}`} label="Silent audio for (seconds)" value={rules.silentSeconds ?? null} min={0.5} max={3600} onSave={(v) => save({ ...rules, silentSeconds: v })} />
      </div>
      <p className="muted small">Leave a field empty to turn that rule off.</p>
    </Section>
  )
}

interface NumberFieldProps {
  label: string
  value: number | null
  min: number
  max: number
  onSave(v: number | null): void
  disabled?: boolean
  placeholder?: string
  invalidText?: string
}

function RuleField(props: NumberFieldProps) {
  return <NumberField placeholder="off" invalidText={`From ${props.min} to ${props.max}, or empty for off.`} {...props} />
}

/** A number saved when the field is left (or on Enter); empty means null. The error is the input's description, not part of its name. */
function NumberField({ label, value, min, max, onSave, disabled, placeholder, invalidText }: NumberFieldProps) {
  const id = useId()
  const [text, setText] = useState(value === null ? '' : String(value))
  const parsed = parseRuleNumber(text, min, max)
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        className={`text-input${parsed === undefined ? ' invalid' : ''}`}
        inputMode="decimal"
        placeholder={placeholder}
        value={text}
        disabled={disabled}
        aria-invalid={parsed === undefined}
        aria-describedby={parsed === undefined ? `${id}-error` : undefined}
        onChange={(e) => setText(e.target.value)}
        onBlur={() => {
          if (parsed !== undefined && parsed !== value) onSave(parsed)
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') e.currentTarget.blur()
          // Escape puts back the saved value, as a native field would.
          if (e.key === 'Escape') setText(value === null ? '' : String(value))
        }}
      />
      {parsed === undefined && (
        <span id={`${id}-error`} className="field-error">
          {invalidText}
        </span>
      )}
    </div>
  )
}

function WatchedFolders({ appInfo }: { appInfo: AppInfo | null }) {
  const api = useApi()
  const notify = useNotify()
  const [folders, setFolders] = useState<Folder[] | null>(null)
  const [removing, setRemoving] = useState<Folder | null>(null)
  const [picking, setPicking] = useState(false)
  const load = useCallback(() => {
    api.invoke('folders.list', {}).then(setFolders, (err: unknown) => notify(errorMessage(err), 'error'))
  }, [api, notify])
  useEffect(() => {
    load()
    return api.on('library.onDidChange', load)
  }, [api, load])
  const add = async (path: string): Promise<void> => {
    await api.invoke('folders.add', { path })
    setPicking(false)
    load()
  }
  return (
    <Section id="set-folders" title="Watched folders">
      <p className="muted">While the app runs, these folders are watched: new, changed, moved and deleted files show up by themselves.</p>
      {folders && folders.length === 0 && <p className="muted">No folders yet.</p>}
      <ul className="folder-list">
        {folders?.map((f) => (
          <li key={f.id}>
            <span className="path-text" title={f.path}>
              {f.path}
            </span>
            <span className="muted small">
              {formatCount(f.clipCount, 'clip')}
              {f.errorCount ? `, ${formatCount(f.errorCount, 'unreadable file')}` : ''}
              {!f.available && ' · not reachable now'}
            </span>
            <button type="button" className="button" onClick={() => setRemoving(f)} aria-label={`Remove ${basename(f.path)}`}>
              Remove
            </button>
          </li>
        ))}
      </ul>
      <button
        type="button"
        className="button"
        onClick={() => {
          if (!appInfo?.nativeFolderPicker) return setPicking(true)
          api
            .invoke('folders.pickNative', {})
            .then(({ path }) => (path ? add(path) : undefined))
            .catch((err: unknown) => notify(errorMessage(err), 'error'))
        }}
      >
        Add folder…
      </button>
      {picking && <FolderPicker startPath={appInfo?.homeDir} onCancel={() => setPicking(false)} onAdd={add} />}
      {removing && (
        <ConfirmRemove
          folder={removing}
          onCancel={() => setRemoving(null)}
          onConfirm={async () => {
            try {
              await api.invoke('folders.remove', { id: removing.id })
            } catch (err) {
              notify(errorMessage(err), 'error')
            }
            setRemoving(null)
            load()
          }}
        />
      )}
    </Section>
  )
}

function Appearance({ settings, update }: { settings: Settings; update: Update }) {
  return (
    <Section id="set-look" title="Appearance">
      <label className="field narrow">
        <span>Theme</span>
        <select className="select" value={settings.theme} onChange={(e) => void update({ theme: e.target.value === 'dark' ? 'dark' : e.target.value === 'light' ? 'light' : 'system' })}>
          <option value="system">Follow the system</option>
          <option value="light">Light</option>
          <option value="dark">Dark</option>
        </select>
      </label>
    </Section>
  )
}

function DataLocation({ appInfo }: { appInfo: AppInfo | null }) {
  return (
    <Section id="set-data" title="Data location">
      {appInfo && (
        <dl className="settings-facts">
          <dt>Data folder</dt>
          <dd className="path-text">{appInfo.dataDir}</dd>
          <dt>Catalog</dt>
          <dd className="path-text">{appInfo.catalogPath}</dd>
          <dt>ffmpeg</dt>
          <dd className="path-text">{appInfo.ffmpeg.ffmpeg}</dd>
          <dt>ffprobe</dt>
          <dd className="path-text">{appInfo.ffmpeg.ffprobe}</dd>
          <dt>ffmpeg version</dt>
          <dd>{appInfo.ffmpeg.version}</dd>
          <dt>App</dt>
          <dd>
            VQA Inspector {appInfo.version} ({appInfo.host === 'electron' ? 'desktop app' : 'browser mode'})
          </dd>
        </dl>
      )}
      <p className="muted small">
        To keep the catalog elsewhere, start the app (or <code>vqa</code>) with <code>VQA_DATA_DIR=/path</code> or <code>--data-dir /path</code>. The
        cache folder in it (thumbnails, timeline strips, previews) is safe to delete.
      </p>
    </Section>
  )
}
