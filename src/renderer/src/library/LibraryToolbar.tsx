import type { ClipStatus } from '../../../shared/contract'

interface LibraryToolbarProps {
  searchText: string
  onSearchText(text: string): void
  status: ClipStatus | ''
  onStatus(status: ClipStatus | ''): void
  codec: string
  codecs: readonly string[]
  onCodec(codec: string): void
  onAddFolder(): void
  onRescan(): void
  rescanTitle: string
  canRescan: boolean
}

const STATUS_OPTIONS: readonly { value: ClipStatus | ''; label: string }[] = [
  { value: '', label: 'All' },
  { value: 'ok', label: 'OK' },
  { value: 'error', label: 'Errors' },
  { value: 'missing', label: 'Missing' }
]

const isStatus = (value: string): value is ClipStatus | '' => STATUS_OPTIONS.some((o) => o.value === value)

export function LibraryToolbar(props: LibraryToolbarProps) {
  const { searchText, onSearchText, status, onStatus, codec, codecs, onCodec } = props
  return (
    <div className="toolbar" role="toolbar" aria-label="Library">
      <div className="toolbar-group">
        <span className="app-mark" aria-hidden="true">
          VQA
        </span>
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
          aria-label="Status filter"
          value={status}
          onChange={(e) => {
            if (isStatus(e.target.value)) onStatus(e.target.value)
          }}
        >
          {STATUS_OPTIONS.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
        <select className="select" aria-label="Codec filter" value={codec} onChange={(e) => onCodec(e.target.value)}>
          <option value="">All codecs</option>
          {codec && !codecs.includes(codec) && <option value={codec}>{codec}</option>}
          {codecs.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </div>
    </div>
  )
}
