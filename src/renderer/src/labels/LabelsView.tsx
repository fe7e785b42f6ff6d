import { useCallback, useEffect, useRef, useState } from 'react'
import type { LabelFormat, LabelKind, LabelRow } from '../../../shared/contract'
import { useApi } from '../api'
import { errorMessage } from '../app/errors'
import { Modal } from '../app/Modal'
import { useNotify } from '../app/Notices'
import { useDebouncedValue } from '../app/useDebouncedValue'
import { formatCount, formatDateTime, formatSpan } from '../format'
import { describeLabel, formatOfFile } from './describe'
import { useDistortionNames } from './useDistortions'
import './labels.css'
import './labels-page.css'

const PAGE = 200

const KIND_OPTIONS: ReadonlyArray<{ value: LabelKind | ''; label: string }> = [
  { value: '', label: 'All kinds' },
  { value: 'score', label: 'Scores' },
  { value: 'verdict', label: 'Verdicts' },
  { value: 'distortion', label: 'Distortion tags' },
  { value: 'comment', label: 'Comments' }
]

export function LabelsView({ version }: { version: number }) {
  const api = useApi()
  const notify = useNotify()
  const { distortions, name: label } = useDistortionNames()
  const [kind, setKind] = useState<LabelKind | ''>('')
  const [searchText, setSearchText] = useState('')
  const search = useDebouncedValue(searchText.trim(), 200)
  const [rows, setRows] = useState<LabelRow[] | null>(null)
  const [total, setTotal] = useState(0)
  const [limit, setLimit] = useState(PAGE)
  const [editing, setEditing] = useState<LabelRow | null>(null)
  const [importing, setImporting] = useState<{ name: string; text: string; format: LabelFormat } | null>(null)
  const [exportFormat, setExportFormat] = useState<LabelFormat>('csv')
  const fileRef = useRef<HTMLInputElement>(null)

  const load = useCallback(() => {
    api.invoke('labels.list', { ...(kind ? { kind } : {}), ...(search ? { search } : {}), limit: Math.min(1000, limit) }).then(
      (r) => {
        setRows(r.rows)
        setTotal(r.total)
      },
      (err: unknown) => notify(`Could not load labels: ${errorMessage(err)}`, 'error')
    )
  }, [api, kind, search, limit, notify])

  useEffect(() => {
    load()
    return api.on('labels.onDidChange', load)
  }, [api, load, version])

  const remove = async (row: LabelRow): Promise<void> => {
    try {
      const removed = await api.invoke('labels.delete', { id: row.id })
      notify(`Deleted: ${describeLabel(removed, label)} on ${row.clipName}.`)
      setUndo(() => async () => {
        await api.invoke('labels.restore', { labels: [removed] })
      })
    } catch (err) {
      notify(`Could not delete the label: ${errorMessage(err)}`, 'error')
    }
  }
  const [undo, setUndo] = useState<(() => Promise<void>) | null>(null)

  const doExport = async (): Promise<void> => {
    try {
      const { text, filename, count } = await api.invoke('labels.export', { format: exportFormat })
      if (count === 0) return notify(exportFormat === 'csv' ? 'There are no labels to export.' : 'No clip has a score label yet; the seed formats carry only clip scores.')
      const url = URL.createObjectURL(new Blob([text], { type: exportFormat === 'csv' ? 'text/csv' : 'application/json' }))
      const a = document.createElement('a')
      a.href = url
      a.download = filename
      a.click()
      setTimeout(() => URL.revokeObjectURL(url), 10_000)
      notify(`Exported ${formatCount(count, 'label')} to ${filename}.`)
    } catch (err) {
      notify(`Could not export: ${errorMessage(err)}`, 'error')
    }
  }

  const pickFile = (file: File | undefined): void => {
    if (!file) return
    const format = formatOfFile(file.name)
    if (!format) return notify(`${file.name} is not a label file: choose a .jsonl, .json (meta JSON) or .csv file.`, 'error')
    file.text().then(
      (text) => setImporting({ name: file.name, text, format }),
      (err: unknown) => notify(`Could not read ${file.name}: ${errorMessage(err)}`, 'error')
    )
  }

  return (
    <div className="page labels-page">
      <div className="toolbar" role="toolbar" aria-label="Labels">
        <div className="toolbar-group">
          <h1 className="page-title">Labels</h1>
          <span className="muted" role="status">
            {rows === null ? 'Loading…' : formatCount(total, 'label')}
          </span>
        </div>
        <div className="toolbar-spacer" />
        <div className="toolbar-group">
          <input
            type="search"
            className="text-input"
            aria-label="Search labels"
            placeholder="Search clips, comments, distortions"
            value={searchText}
            onChange={(e) => setSearchText(e.target.value)}
          />
          <select className="select" aria-label="Label kind" value={kind} onChange={(e) => setKind(KIND_OPTIONS.find((o) => o.value === e.target.value)?.value ?? '')}>
            {KIND_OPTIONS.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
          <button type="button" className="button" onClick={() => fileRef.current?.click()}>
            Import…
          </button>
          <input
            ref={fileRef}
            type="file"
            hidden
            accept=".jsonl,.json,.csv"
            aria-label="Label file to import"
            onChange={(e) => {
              pickFile(e.target.files?.[0])
              e.target.value = ''
            }}
          />
          <select className="select" aria-label="Export format" value={exportFormat} onChange={(e) => setExportFormat(e.target.value as LabelFormat)}>
            <option value="csv">CSV (all labels)</option>
            <option value="jsonl">VQAThinker training JSONL</option>
            <option value="meta-json">VQAThinker meta JSON</option>
          </select>
          <button type="button" className="button" onClick={() => void doExport()}>
            Export
          </button>
        </div>
      </div>
      {undo && (
        <div className="undo-bar" role="status">
          Label deleted.
          <button
            type="button"
            className="button subtle"
            onClick={() => {
              const u = undo
              setUndo(null)
              u().catch((err: unknown) => notify(`Could not undo: ${errorMessage(err)}`, 'error'))
            }}
          >
            Undo
          </button>
        </div>
      )}
      {rows !== null && rows.length === 0 ? (
        <div className="empty-state">
          <h2>{search || kind ? 'No labels match' : 'No labels yet'}</h2>
          <p className="muted">
            {search || kind
              ? 'Try another search or kind.'
              : 'Label clips in the Review queue (keys 1–5, A, R, drag on the timeline), or import labels you already have: the VQAThinker training JSONL, its meta JSON, or a CSV with path and score columns.'}
          </p>
          {!search && !kind && (
            <a className="button primary" href="#/review">
              Open the review queue
            </a>
          )}
        </div>
      ) : (
        <div className="labels-table-wrap">
          <table className="labels-table" aria-label="Labels">
            <thead>
              <tr>
                <th scope="col">Clip</th>
                <th scope="col">Label</th>
                <th scope="col">Time</th>
                <th scope="col">Model on screen</th>
                <th scope="col">Source</th>
                <th scope="col">Saved</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {(rows ?? []).map((r) => (
                <tr key={r.id}>
                  <td>
                    <a href={`#/clip/${r.clipId}`} title={r.clipPath}>
                      {r.clipName}
                    </a>
                    {r.relDir && <span className="muted small"> {r.relDir}</span>}
                  </td>
                  <td>{describeLabel({ ...r, start: null, end: null }, label)}</td>
                  <td className="numeric">{r.start !== null && r.end !== null ? formatSpan(r.start, r.end) : 'whole clip'}</td>
                  <td className="muted">{r.model ?? '—'}</td>
                  <td className="muted">{r.source}</td>
                  <td className="muted">{formatDateTime(r.updatedAt)}</td>
                  <td className="actions">
                    <button type="button" className="button subtle" onClick={() => setEditing(r)} aria-label={`Edit label on ${r.clipName}`}>
                      Edit
                    </button>
                    <button type="button" className="icon-button" onClick={() => void remove(r)} aria-label={`Delete label on ${r.clipName}`}>
                      ×
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {rows && rows.length < total && (
            <button type="button" className="button load-more" onClick={() => setLimit((l) => l + PAGE)} disabled={limit >= 1000}>
              {limit >= 1000 ? 'Showing the newest 1,000: search or filter to narrow' : `Show more (${formatCount(total - rows.length, 'more label')})`}
            </button>
          )}
        </div>
      )}
      {editing && <EditLabel row={editing} distortions={distortions} onClose={() => setEditing(null)} />}
      {importing && <ImportDialog file={importing} onClose={() => setImporting(null)} />}
    </div>
  )
}

function EditLabel({ row, distortions, onClose }: { row: LabelRow; distortions: ReadonlyArray<{ id: string; label: string }>; onClose(): void }) {
  const api = useApi()
  const notify = useNotify()
  const [score, setScore] = useState(row.score?.toString() ?? '')
  const [verdict, setVerdict] = useState(row.verdict ?? 'accept')
  const [distortion, setDistortion] = useState(row.distortion ?? '')
  const [start, setStart] = useState(row.start?.toString() ?? '')
  const [end, setEnd] = useState(row.end?.toString() ?? '')
  const [comment, setComment] = useState(row.comment ?? '')
  const [error, setError] = useState<string | null>(null)
  const num = (s: string): number | null => (s.trim() === '' ? null : Number(s))

  const save = async (): Promise<void> => {
    const patch = {
      ...(row.kind === 'score' ? { score: num(score) } : {}),
      ...(row.kind === 'verdict' ? { verdict } : {}),
      ...(row.kind === 'distortion' ? { distortion: distortion || null } : {}),
      ...(row.kind !== 'verdict' ? { start: num(start), end: num(end) } : {}),
      comment: comment.trim() || null
    }
    const bad = Object.entries(patch).find(([, v]) => typeof v === 'number' && !Number.isFinite(v))
    if (bad) return setError(`${bad[0]} must be a number`)
    try {
      await api.invoke('labels.update', { id: row.id, ...patch })
      notify('Label saved.')
      onClose()
    } catch (err) {
      setError(errorMessage(err))
    }
  }

  return (
    <Modal label="Edit label" onClose={onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault()
          void save()
        }}
      >
        <header className="modal-header">
          <h2>Edit label on {row.clipName}</h2>
        </header>
        {row.kind === 'score' && (
          <label className="field">
            <span>Score (1–5)</span>
            <input className="text-input" inputMode="decimal" value={score} onChange={(e) => setScore(e.target.value)} autoFocus />
          </label>
        )}
        {row.kind === 'verdict' && (
          <label className="field">
            <span>Verdict</span>
            <select className="select" value={verdict} onChange={(e) => setVerdict(e.target.value === 'reject' ? 'reject' : 'accept')}>
              <option value="accept">Accept</option>
              <option value="reject">Reject</option>
            </select>
          </label>
        )}
        {row.kind === 'distortion' && (
          <label className="field">
            <span>Distortion</span>
            <select className="select" value={distortion} onChange={(e) => setDistortion(e.target.value)}>
              {distortions.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.label}
                </option>
              ))}
            </select>
          </label>
        )}
        {row.kind !== 'verdict' && (
          <div className="field-pair">
            <label className="field">
              <span>From (s)</span>
              <input className="text-input" inputMode="decimal" value={start} onChange={(e) => setStart(e.target.value)} placeholder="whole clip" />
            </label>
            <label className="field">
              <span>To (s)</span>
              <input className="text-input" inputMode="decimal" value={end} onChange={(e) => setEnd(e.target.value)} placeholder="whole clip" />
            </label>
          </div>
        )}
        <label className="field">
          <span>Comment</span>
          <textarea className="text-input comment-input" rows={3} value={comment} onChange={(e) => setComment(e.target.value)} />
        </label>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <footer className="modal-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button primary">
            Save
          </button>
        </footer>
      </form>
    </Modal>
  )
}

function ImportDialog({ file, onClose }: { file: { name: string; text: string; format: LabelFormat }; onClose(): void }) {
  const api = useApi()
  const notify = useNotify()
  const [min, setMin] = useState(file.format === 'meta-json' ? '0' : '1')
  const [max, setMax] = useState(file.format === 'meta-json' ? '100' : '5')
  const [busy, setBusy] = useState(false)
  const [result, setResult] = useState<{ imported: number; unmatched: string[]; errors: string[] } | null>(null)
  const scale = { min: Number(min), max: Number(max) }
  const scaleOk = Number.isFinite(scale.min) && Number.isFinite(scale.max) && scale.max > scale.min

  const run = async (): Promise<void> => {
    setBusy(true)
    try {
      const r = await api.invoke('labels.import', { format: file.format, text: file.text, scale })
      setResult(r)
      if (r.imported) notify(`Imported ${formatCount(r.imported, 'label')} from ${file.name}.`)
    } catch (err) {
      notify(`Could not import ${file.name}: ${errorMessage(err)}`, 'error')
    } finally {
      setBusy(false)
    }
  }

  const kindWords: Record<LabelFormat, string> = { jsonl: 'VQAThinker training JSONL', 'meta-json': 'VQAThinker meta JSON', csv: 'CSV' }
  return (
    <Modal label="Import labels" onClose={onClose}>
      <header className="modal-header">
        <h2>Import {file.name}</h2>
      </header>
      {result ? (
        <>
          <p>
            {formatCount(result.imported, 'label')} imported.
            {result.unmatched.length > 0 && ` ${formatCount(result.unmatched.length, 'path')} matched no clip in the library (add their folder first):`}
          </p>
          {result.unmatched.length > 0 && <pre className="import-list">{result.unmatched.join('\n')}</pre>}
          {result.errors.length > 0 && (
            <>
              <p>Lines that could not be read:</p>
              <pre className="import-list">{result.errors.join('\n')}</pre>
            </>
          )}
          <footer className="modal-actions">
            <button type="button" className="button primary" onClick={onClose} autoFocus>
              Done
            </button>
          </footer>
        </>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault()
            if (scaleOk) void run()
          }}
        >
          <p className="muted">
            Read as {kindWords[file.format]}. Paths are matched to library clips by full path, by path inside a library folder, or by a
            unique file name. Imported scores become clip score labels; they replace a clip’s existing score label.
          </p>
          <div className="field-pair">
            <label className="field">
              <span>Scale: lowest score</span>
              <input className="text-input" inputMode="decimal" value={min} onChange={(e) => setMin(e.target.value)} />
            </label>
            <label className="field">
              <span>Scale: highest score</span>
              <input className="text-input" inputMode="decimal" value={max} onChange={(e) => setMax(e.target.value)} />
            </label>
          </div>
          <p className="muted small">Scores are mapped linearly from this scale onto 1–5 (e.g. a 0–100 MOS of 63.2 becomes 3.53).</p>
          {!scaleOk && (
            <p className="form-error" role="alert">
              The highest score must be above the lowest.
            </p>
          )}
          <footer className="modal-actions">
            <button type="button" className="button" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" className="button primary" disabled={busy || !scaleOk}>
              {busy ? 'Importing…' : 'Import'}
            </button>
          </footer>
        </form>
      )}
    </Modal>
  )
}
