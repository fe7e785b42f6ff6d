import { useCallback, useEffect, useState } from 'react'
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from 'recharts'
import type { TrainingParams, TrainingRun } from '../../../shared/contract'
import { useApi } from '../api'
import { errorMessage } from '../app/errors'
import { useNotify } from '../app/Notices'
import { formatCount, formatDateTime } from '../format'
import { runProgress, scatterSeries, smooth, validationRows } from './chartData'
import './training.css'

type Readiness = { usable: number; skipped: number; problem: string | null; skippedReasons: string[] }

const REWARDS: ReadonlyArray<{ id: TrainingParams['rewards'][number]; label: string; help: string }> = [
  { id: 'reg', label: 'Regression', help: 'closeness to your score, exp(−(ŝ−s)²/(2·0.5²))' },
  { id: 'rank', label: 'Ranking', help: 'orders clips as you do (pairwise fidelity, Thurstone)' },
  { id: 'temporal', label: 'Temporal consistency', help: 'prefers the real frame order to shuffled, reversed, stuttered or blanked copies' },
  { id: 'attribution', label: 'Distortion naming', help: 'names the distortions you tagged on segments' }
]

const DEFAULTS: TrainingParams = {
  method: 'grpo',
  rewards: ['reg', 'rank', 'temporal', 'attribution'],
  epochs: 30,
  group: 4,
  beta: 0.04,
  learningRate: 0.002,
  batchSize: 16,
  validationFraction: 0.25,
  seed: 1
}

const COLORS = { reg: '#2f6fde', rank: '#2e9d4f', temporal: '#e6a100', attribution: '#b04fd0', kl: '#d32f2f', srcc: '#2f6fde', plcc: '#2e9d4f' }

export function TrainingView({ version }: { version: number }) {
  const api = useApi()
  const notify = useNotify()
  const [ready, setReady] = useState<Readiness | null>(null)
  const [runs, setRuns] = useState<TrainingRun[] | null>(null)
  const [params, setParams] = useState<TrainingParams>(DEFAULTS)
  const [starting, setStarting] = useState(false)

  const load = useCallback(() => {
    api.invoke('training.readiness', {}).then(setReady, (err: unknown) => notify(`Could not check the labels: ${errorMessage(err)}`, 'error'))
    api.invoke('training.list', {}).then(setRuns, (err: unknown) => notify(`Could not list training runs: ${errorMessage(err)}`, 'error'))
  }, [api, notify])
  useEffect(load, [load, version])
  useEffect(
    () =>
      api.on('training.onProgress', (run) => {
        setRuns((list) => (list ? (list.some((r) => r.id === run.id) ? list.map((r) => (r.id === run.id ? run : r)) : [run, ...list]) : [run]))
      }),
    [api]
  )
  useEffect(() => api.on('labels.onDidChange', load), [api, load])

  const start = async (): Promise<void> => {
    setStarting(true)
    try {
      await api.invoke('training.start', params)
      notify('Fine-tuning started. It runs in the background; you can keep working.')
      load()
    } catch (err) {
      notify(errorMessage(err), 'error')
    } finally {
      setStarting(false)
    }
  }

  const set = <K extends keyof TrainingParams>(k: K, v: TrainingParams[K]): void => setParams((p) => ({ ...p, [k]: v }))
  const busy = runs?.some((r) => r.state === 'queued' || r.state === 'preparing' || r.state === 'training' || r.state === 'paused') ?? false

  return (
    <div className="page training-page">
      <header className="training-head">
        <h1>Fine-tuning</h1>
        <p className="muted">
          Teach the active model your taste from the clip scores you gave (Review, keys 1–5). Training runs in a background process with
          GRPO, the reinforcement-learning recipe of VQAThinker, on measurements the catalog already holds; your labels never leave this
          machine. Each run makes a new model version you can compare, activate, or discard.
        </p>
      </header>

      <section className="training-card" aria-labelledby="train-new">
        <h2 id="train-new">New run</h2>
        {ready === null ? (
          <p className="muted">Checking your labels…</p>
        ) : (
          <p role="status" className={ready.problem ? 'training-problem' : 'muted'}>
            {ready.problem ?? `${formatCount(ready.usable, 'labelled clip')} ready to learn from.`}
            {ready.skipped > 0 && ` ${formatCount(ready.skipped, 'labelled clip')} cannot be used yet:`}
          </p>
        )}
        {ready && ready.skippedReasons.length > 0 && (
          <ul className="training-skipped">
            {ready.skippedReasons.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
        )}
        <form
          className="training-form"
          onSubmit={(e) => {
            e.preventDefault()
            void start()
          }}
        >
          <fieldset>
            <legend>Method</legend>
            <label>
              <input type="radio" name="method" checked={params.method === 'grpo'} onChange={() => set('method', 'grpo')} /> GRPO (VQAThinker’s rewards)
            </label>
            <label>
              <input type="radio" name="method" checked={params.method === 'supervised'} onChange={() => set('method', 'supervised')} /> Plain regression (baseline)
            </label>
          </fieldset>
          <fieldset disabled={params.method !== 'grpo'}>
            <legend>Rewards</legend>
            {REWARDS.map((r) => (
              <label key={r.id} title={r.help}>
                <input
                  type="checkbox"
                  checked={params.rewards.includes(r.id)}
                  onChange={(e) => set('rewards', e.target.checked ? [...params.rewards, r.id] : params.rewards.filter((x) => x !== r.id))}
                />{' '}
                {r.label} <span className="muted small">— {r.help}</span>
              </label>
            ))}
          </fieldset>
          <div className="training-numbers">
            <NumberField label="Epochs" value={params.epochs} min={1} max={500} step={1} onChange={(v) => set('epochs', v)} />
            <NumberField label="Answers per clip (G)" value={params.group} min={2} max={16} step={1} onChange={(v) => set('group', v)} disabled={params.method !== 'grpo'} />
            <NumberField label="KL weight β" value={params.beta} min={0} max={10} step={0.01} onChange={(v) => set('beta', v)} disabled={params.method !== 'grpo'} />
            <NumberField label="Learning rate" value={params.learningRate} min={0.000001} max={0.1} step={0.0005} onChange={(v) => set('learningRate', v)} />
            <NumberField label="Seed" value={params.seed} min={0} max={2 ** 31} step={1} onChange={(v) => set('seed', v)} />
          </div>
          <button type="submit" className="button primary" disabled={starting || busy || !ready || ready.problem !== null || (params.method === 'grpo' && params.rewards.length === 0)}>
            {busy ? 'A run is in progress or paused' : 'Start fine-tuning'}
          </button>
        </form>
      </section>

      {runs && runs.length === 0 && <p className="muted training-empty">No runs yet.</p>}
      {runs?.map((run) => <RunCard key={run.id} run={run} onChanged={load} />)}
    </div>
  )
}

function NumberField({ label, value, min, max, step, onChange, disabled }: { label: string; value: number; min: number; max: number; step: number; onChange(v: number): void; disabled?: boolean }) {
  const [text, setText] = useState(String(value))
  const n = Number(text)
  const bad = text.trim() === '' || !Number.isFinite(n) || n < min || n > max
  return (
    <label className="field">
      <span>{label}</span>
      <input
        className={`text-input${bad ? ' invalid' : ''}`}
        inputMode="decimal"
        value={text}
        disabled={disabled}
        aria-invalid={bad}
        onChange={(e) => {
          setText(e.target.value)
          const v = Number(e.target.value)
          if (e.target.value.trim() !== '' && Number.isFinite(v) && v >= min && v <= max) onChange(step >= 1 ? Math.round(v) : v)
        }}
      />
      {bad && <span className="form-error small">{`${min} to ${max}`}</span>}
    </label>
  )
}

const STATE_WORDS: Record<TrainingRun['state'], string> = {
  queued: 'Waiting',
  preparing: 'Preparing',
  training: 'Training',
  paused: 'Paused',
  done: 'Finished',
  failed: 'Failed',
  cancelled: 'Cancelled',
  discarded: 'Discarded'
}

function RunCard({ run, onChanged }: { run: TrainingRun; onChanged(): void }) {
  const api = useApi()
  const notify = useNotify()
  const curves = smooth(run.curves)
  const val = validationRows(run)
  const scatter = scatterSeries(run)
  const live = run.state === 'queued' || run.state === 'preparing' || run.state === 'training' || run.state === 'paused'
  const p = run.params
  const act = (f: () => Promise<unknown>, ok: string): void => {
    f().then(
      () => {
        notify(ok)
        onChanged()
      },
      (err: unknown) => notify(errorMessage(err), 'error')
    )
  }
  return (
    <section className="training-card run-card" aria-label={`Training run ${run.id}`}>
      <header className="run-head">
        <h2>
          Run {run.id} <span className={`run-state state-${run.state}`}>{STATE_WORDS[run.state]}</span>
        </h2>
        <span className="muted small">
          {run.baseModel} · {p.method === 'grpo' ? `GRPO: ${p.rewards.join(', ')}, G ${p.group}, β ${p.beta}` : 'regression'} · {p.epochs} epochs · seed {p.seed} · {formatDateTime(run.createdAt)}
        </span>
      </header>
      {live && (
        <div className="run-progress">
          <progress max={1} value={runProgress(run)} aria-label={`Run ${run.id} progress`} />
          {run.jobId !== null && run.state !== 'paused' && (
            <button type="button" className="button" onClick={() => act(() => api.invoke('jobs.pause', { id: run.jobId! }), 'Pausing after this step; it resumes from its last finished epoch.')}>
              Pause
            </button>
          )}
          {run.jobId !== null && run.state === 'paused' && (
            <button type="button" className="button primary" onClick={() => act(() => api.invoke('jobs.resume', { id: run.jobId! }), 'Resuming the run…')}>
              Resume
            </button>
          )}
          {run.jobId !== null && (
            <button type="button" className="button" onClick={() => act(() => api.invoke('jobs.cancel', { id: run.jobId! }), 'Cancelling the run…')}>
              Cancel
            </button>
          )}
        </div>
      )}
      {run.error && (
        <p className="form-error" role="alert">
          {run.error}
        </p>
      )}
      {run.trainClips ? (
        <p className="muted small">{`${run.trainClips} clips to train on, ${run.validationClips} held out to check the result.`}</p>
      ) : run.state === 'queued' || run.state === 'preparing' ? (
        <p className="muted small">Splitting your labels…</p>
      ) : null}
      {run.curves.length > 0 && (
        <div className="run-charts">
          <figure aria-label={`Run ${run.id}: mean reward per step`}>
            <figcaption>Rewards (mean per step, smoothed)</figcaption>
            <ResponsiveContainer width="100%" height={180}>
              <LineChart data={curves} margin={{ top: 4, right: 8, bottom: 0, left: -16 }}>
                <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" />
                <XAxis dataKey="step" stroke="var(--muted)" fontSize={11} />
                <YAxis stroke="var(--muted)" fontSize={11} domain={[0, 'auto']} />
                <Tooltip contentStyle={{ background: 'var(--raised)', border: '1px solid var(--border)' }} />
                <Legend wrapperStyle={{ fontSize: 11 }} />
                {p.method === 'grpo' &&
                  (['reg', 'rank', 'temporal', 'attribution'] as const)
                    .filter((k) => p.rewards.includes(k))
                    .map((k) => <Line key={k} type="monotone" dataKey={k} stroke={COLORS[k]} dot={false} isAnimationActive={false} />)}
                {p.method !== 'grpo' && <Line type="monotone" dataKey="loss" name="squared error" stroke={COLORS.reg} dot={false} isAnimationActive={false} />}
              </LineChart>
            </ResponsiveContainer>
          </figure>
          {p.method === 'grpo' && (
            <figure aria-label={`Run ${run.id}: KL to the starting model`}>
              <figcaption>KL to the starting model</figcaption>
              <ResponsiveContainer width="100%" height={180}>
                <LineChart data={curves} margin={{ top: 4, right: 8, bottom: 0, left: -16 }}>
                  <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" />
                  <XAxis dataKey="step" stroke="var(--muted)" fontSize={11} />
                  <YAxis stroke="var(--muted)" fontSize={11} />
                  <Tooltip contentStyle={{ background: 'var(--raised)', border: '1px solid var(--border)' }} />
                  <Line type="monotone" dataKey="kl" name="KL (k3)" stroke={COLORS.kl} dot={false} isAnimationActive={false} />
                </LineChart>
              </ResponsiveContainer>
            </figure>
          )}
          <figure aria-label={`Run ${run.id}: agreement with your held-out labels per epoch`}>
            <figcaption>Agreement with your held-out labels</figcaption>
            <ResponsiveContainer width="100%" height={180}>
              <LineChart data={val} margin={{ top: 4, right: 8, bottom: 0, left: -16 }}>
                <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" />
                <XAxis dataKey="epoch" stroke="var(--muted)" fontSize={11} />
                <YAxis stroke="var(--muted)" fontSize={11} domain={[-1, 1]} />
                <Tooltip contentStyle={{ background: 'var(--raised)', border: '1px solid var(--border)' }} />
                <Legend wrapperStyle={{ fontSize: 11 }} />
                <Line type="monotone" dataKey="srcc" name="SRCC" stroke={COLORS.srcc} isAnimationActive={false} />
                <Line type="monotone" dataKey="plcc" name="PLCC" stroke={COLORS.plcc} isAnimationActive={false} />
              </LineChart>
            </ResponsiveContainer>
          </figure>
        </div>
      )}
      {run.before && (
        <div className="run-results">
          <table className="run-table" aria-label={`Run ${run.id}: before and after`}>
            <thead>
              <tr>
                <th scope="col">On {run.validationClips} held-out clips</th>
                <th scope="col">Before</th>
                <th scope="col">After</th>
              </tr>
            </thead>
            <tbody>
              {(['srcc', 'plcc', 'rmse'] as const).map((k) => (
                <tr key={k}>
                  <th scope="row">{k.toUpperCase()}</th>
                  <td>{fmt(run.before?.[k])}</td>
                  <td className={better(k, run.before?.[k], run.after?.[k])}>{fmt(run.after?.[k])}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <figure aria-label={`Run ${run.id}: predicted against your score on held-out clips`} className="run-scatter">
            <figcaption>Predicted vs. your score (held-out clips)</figcaption>
            <ResponsiveContainer width="100%" height={220}>
              <ScatterChart margin={{ top: 4, right: 8, bottom: 4, left: -16 }}>
                <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" />
                <XAxis type="number" dataKey="label" name="your score" domain={[1, 5]} stroke="var(--muted)" fontSize={11} />
                <YAxis type="number" dataKey="predicted" name="predicted" domain={[1, 5]} stroke="var(--muted)" fontSize={11} />
                <ReferenceLine segment={[{ x: 1, y: 1 }, { x: 5, y: 5 }]} stroke="var(--faint)" strokeDasharray="4 4" />
                <Tooltip contentStyle={{ background: 'var(--raised)', border: '1px solid var(--border)' }} />
                <Legend wrapperStyle={{ fontSize: 11 }} />
                <Scatter name="before" data={scatter.before} fill="var(--faint)" isAnimationActive={false} />
                {scatter.after.length > 0 && <Scatter name="after" data={scatter.after} fill="var(--accent)" isAnimationActive={false} />}
              </ScatterChart>
            </ResponsiveContainer>
          </figure>
        </div>
      )}
      {run.state === 'done' && run.packDir && (
        <div className="run-actions">
          <span className="muted small">{run.modelVersion}</span>
          {run.active ? (
            <>
              <span className="badge badge-ok">Active</span>
              <button type="button" className="button" onClick={() => act(() => api.invoke('scores.start', { scope: 'outdated' }), 'Re-scoring the library with this version…')}>
                Re-score the library with it
              </button>
            </>
          ) : (
            <button type="button" className="button primary" onClick={() => act(() => api.invoke('models.activate', { dir: run.packDir! }), `${run.modelVersion ?? 'The new version'} is now the active model.`)}>
              Activate
            </button>
          )}
          {!run.active && (
            <button type="button" className="button" onClick={() => act(() => api.invoke('training.discard', { id: run.id }), `Discarded ${run.modelVersion ?? 'the version'}.`)}>
              Discard
            </button>
          )}
        </div>
      )}
    </section>
  )
}

const fmt = (v: number | undefined): string => (v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(3))
function better(k: 'srcc' | 'plcc' | 'rmse', before: number | undefined, after: number | undefined): string {
  if (before === undefined || after === undefined) return ''
  const up = k === 'rmse' ? after < before : after > before
  return up ? 'better' : 'worse'
}
