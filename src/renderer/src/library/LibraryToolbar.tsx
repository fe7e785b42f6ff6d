import type { ClipStatus, SavedView } from '../../../shared/contract'
import { LEVEL_WORDS } from '../quality'
import type { Band, LabelState, LibraryFilters } from './filters'
import { activeFilterCount } from './filters'

interface LibraryToolbarProps {
  searchText: string
  onSearchText(text: string): void
  filters: LibraryFilters
  onFilters(patch: Partial<LibraryFilters>): void
  onClearFilters(): void
  codecs: readonly string[]
  distortions: ReadonlyArray<{ id: string; label: string }>
  models: ReadonlyArray<{ id: number; model: string }>
  views: readonly SavedView[]
  onApplyView(view: SavedView): void
  onSaveView(): void
  onDeleteView(view: SavedView): void
  onAddFolder(): void
  onRescan(): void
  rescanTitle: string
  canRescan: boolean
  onScore(): void
  scoreTitle: string
  canScore: boolean
}

const STATUS_OPTIONS: readonly { value: ClipStatus | ''; label: string }[] = [
  { value: '', label: 'Any status' },
  { value: 'ok', label: 'Readable' },
  { value: 'error', label: 'Errors' },
  { value: 'missing', label: 'Missing' }
]

const BAND_OPTIONS: readonly { value: Band | ''; label: string }[] = [
  { value: '', label: 'Any score' },
  ...LEVEL_WORDS.map((w) => ({ value: w, label: w[0]!.toUpperCase() + w.slice(1) })),
  { value: 'unscored', label: 'Not scored' }
]

const FLAG_OPTIONS: readonly { value: LibraryFilters['flagged']; label: string }[] = [
  { value: '', label: 'Flagged or not' },
  { value: 'yes', label: 'Flagged' },
  { value: 'no', label: 'Not flagged' }
]

const LABEL_OPTIONS: readonly { value: LabelState | ''; label: string }[] = [
  { value: '', label: 'Any labels' },
  { value: 'unlabelled', label: 'Unlabelled' },
  { value: 'labelled', label: 'Labelled' },
  { value: 'accepted', label: 'Accepted' },
  { value: 'rejected', label: 'Rejected' }
]

function pick<T extends string>(options: readonly { value: T }[], value: string): T | null {
  return options.find((o) => o.value === value)?.value ?? null
}

export function LibraryToolbar(props: LibraryToolbarProps) {
  const { searchText, onSearchText, filters, onFilters, codecs, distortions, models, views } = props
  const active = activeFilterCount({ ...filters, search: searchText })
  return (
    <div className="library-bars">
      <div className="toolbar" role="toolbar" aria-label="Library">
        <div className="toolbar-group">
          <button type="button" className="button primary" onClick={props.onAddFolder}>
            <span aria-hidden="true" className="button-icon">
              +
            </span>
            Add folder
          </button>
          <button type="button" className="button" onClick={props.onRescan} disabled={!props.canRescan} title={props.rescanTitle}>
            <span aria-hidden="true" className="button-icon">
              ↻
            </span>
            Rescan
          </button>
          <button type="button" className="button" onClick={props.onScore} disabled={!props.canScore} title={props.scoreTitle}>
            <span aria-hidden="true" className="button-icon">
              ★
            </span>
            Score
          </button>
        </div>
        <div className="toolbar-spacer" />
        <div className="toolbar-group">
          <div className="search-field">
            <svg viewBox="0 0 16 16" width="13" height="13" aria-hidden="true" focusable="false" className="search-icon">
              <path
                fill="currentColor"
                d="M6.5 1a5.5 5.5 0 0 1 4.38 8.82l3.65 3.65-1.06 1.06-3.65-3.65A5.5 5.5 0 1 1 6.5 1Zm0 1.5a4 4 0 1 0 0 8 4 4 0 0 0 0-8Z"
              />
            </svg>
            <input
              type="search"
              className="text-input search-input"
              aria-label="Search clips"
              placeholder="Search clips"
              spellCheck={false}
              autoComplete="off"
              value={searchText}
              maxLength={256}
              onChange={(e) => onSearchText(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Escape' && searchText) {
                  e.preventDefault()
                  onSearchText('')
                }
              }}
            />
          </div>
          <select
            className="select"
            aria-label="Saved views"
            value=""
            onChange={(e) => {
              const v = views.find((x) => String(x.id) === e.target.value)
              if (v) props.onApplyView(v)
            }}
          >
            <option value="">{views.length ? 'Saved views…' : 'No saved views'}</option>
            {views.map((v) => (
              <option key={v.id} value={v.id}>
                {v.name}
              </option>
            ))}
          </select>
          <button type="button" className="button" onClick={props.onSaveView} title="Save these filters, sort and folder as a view">
            Save view
          </button>
        </div>
      </div>
      <div className="filter-bar" role="toolbar" aria-label="Filters">
        <Select label="Score filter" value={filters.band} options={BAND_OPTIONS} onChange={(v) => onFilters({ band: v })} />
        <Select label="Flag filter" value={filters.flagged} options={FLAG_OPTIONS} onChange={(v) => onFilters({ flagged: v })} />
        <select className="select" aria-label="Distortion filter" value={filters.distortion} onChange={(e) => onFilters({ distortion: e.target.value })}>
          <option value="">Any distortion</option>
          {filters.distortion && !distortions.some((d) => d.id === filters.distortion) && <option value={filters.distortion}>{filters.distortion}</option>}
          {distortions.map((d) => (
            <option key={d.id} value={d.id}>
              {d.label}
            </option>
          ))}
        </select>
        <Select label="Label filter" value={filters.labelState} options={LABEL_OPTIONS} onChange={(v) => onFilters({ labelState: v })} />
        {(models.length > 1 || filters.modelId) && (
          <select className="select" aria-label="Model version filter" value={filters.modelId} onChange={(e) => onFilters({ modelId: e.target.value })}>
            <option value="">Any model version</option>
            {models.map((m) => (
              <option key={m.id} value={String(m.id)}>
                Latest by {m.model}
              </option>
            ))}
          </select>
        )}
        <Select label="Status filter" value={filters.status} options={STATUS_OPTIONS} onChange={(v) => onFilters({ status: v })} />
        <select className="select" aria-label="Codec filter" value={filters.codec} onChange={(e) => onFilters({ codec: e.target.value })}>
          <option value="">Any codec</option>
          {filters.codec && !codecs.includes(filters.codec) && <option value={filters.codec}>{filters.codec}</option>}
          {codecs.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
        {active > 0 && (
          <button type="button" className="button subtle" onClick={props.onClearFilters}>
            Clear {active} filter{active === 1 ? '' : 's'}
          </button>
        )}
        {views.length > 0 && (
          <details className="views-manage">
            <summary className="button subtle">Manage views</summary>
            <ul className="views-list" aria-label="Saved views to delete">
              {views.map((v) => (
                <li key={v.id}>
                  <span>{v.name}</span>
                  <button type="button" className="icon-button" aria-label={`Delete view ${v.name}`} onClick={() => props.onDeleteView(v)}>
                    ×
                  </button>
                </li>
              ))}
            </ul>
          </details>
        )}
      </div>
    </div>
  )
}

function Select<T extends string>({ label, value, options, onChange }: { label: string; value: T; options: readonly { value: T; label: string }[]; onChange(v: T): void }) {
  return (
    <select
      className="select"
      aria-label={label}
      value={value}
      onChange={(e) => {
        const v = pick(options, e.target.value)
        if (v !== null) onChange(v)
      }}
    >
      {options.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </select>
  )
}
