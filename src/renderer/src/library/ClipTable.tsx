import { useVirtualizer } from '@tanstack/react-virtual'
import { memo, useCallback, useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react'
import type { ClipRow, SortKey } from '../../../shared/contract'
import { formatBytes, formatDateTime, formatDuration, formatResolution } from '../format'
import { ScoreChip } from './ScoreChip'
import { StatusBadge } from './StatusBadge'
import type { ClipPages } from './useClipPages'

const ROW_HEIGHT = 48
/** Must match `.grid-head` in styles.css: the virtualizer measures rows from below it. */
const HEADER_HEIGHT = 32

interface Column {
  id: string
  label: string
  sort: SortKey | null
  numeric?: boolean
  /** Visually hidden header text, for columns whose content speaks for itself. */
  hiddenLabel?: boolean
}

const COLUMNS: readonly Column[] = [
  { id: 'thumb', label: 'Thumbnail', sort: null, hiddenLabel: true },
  { id: 'name', label: 'Name', sort: 'name' },
  { id: 'score', label: 'Score', sort: 'score' },
  { id: 'issues', label: 'Issues', sort: 'status' },
  { id: 'review', label: 'Review', sort: null },
  { id: 'duration', label: 'Duration', sort: 'duration', numeric: true },
  { id: 'resolution', label: 'Resolution', sort: 'resolution', numeric: true },
  { id: 'codec', label: 'Codec', sort: 'codec' },
  { id: 'size', label: 'Size', sort: 'size', numeric: true },
  { id: 'mtime', label: 'Modified', sort: 'mtime', numeric: true }
]

interface ClipTableProps {
  pages: ClipPages
  /** Changes whenever the filter or sort does: the list starts again from the top. */
  resetKey: string
  sort: SortKey
  direction: 'asc' | 'desc'
  onSort(key: SortKey): void
  onOpen(id: number): void
  /** False while the clip page covers the table. */
  active: boolean
  /** Shown instead of rows once the query is known to match nothing. */
  empty: ReactNode
  /** A distortion's name as the active pack labels it (the Issues column). */
  distortionLabel(id: string): string
}

export function ClipTable({ pages, resetKey, sort, direction, onSort, onOpen, active, empty, distortionLabel }: ClipTableProps) {
  const scrollRef = useRef<HTMLDivElement>(null)
  const gridRef = useRef<HTMLDivElement>(null)
  const [activeIndex, setActiveIndex] = useState(0)
  const focusPending = useRef(false)
  const count = pages.total ?? 0

  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
    scrollMargin: HEADER_HEIGHT
  })
  const items = virtualizer.getVirtualItems()
  const first = items[0]?.index ?? 0
  const last = items[items.length - 1]?.index ?? -1

  const { setVisible } = pages
  useEffect(() => {
    setVisible(first, last)
  }, [first, last, setVisible])

  useLayoutEffect(() => {
    scrollRef.current?.scrollTo({ top: 0 })
    setActiveIndex(0)
  }, [resetKey])

  useEffect(() => {
    if (activeIndex >= count && count > 0) setActiveIndex(count - 1)
  }, [activeIndex, count])

  // Coming back from a clip: put focus on the row that was opened, as Finder does.
  const wasActive = useRef(active)
  useEffect(() => {
    if (active && !wasActive.current) focusPending.current = true
    wasActive.current = active
  })

  useEffect(() => {
    if (!focusPending.current) return
    const row = gridRef.current?.querySelector<HTMLElement>(`[data-index="${activeIndex}"]`)
    if (row) {
      focusPending.current = false
      row.focus({ preventScroll: true })
    }
  })

  const openRow = useCallback(
    (index: number, id: number) => {
      setActiveIndex(index)
      onOpen(id)
    },
    [onOpen]
  )

  const moveTo = (index: number): void => {
    if (count === 0) return
    const next = Math.max(0, Math.min(count - 1, index))
    setActiveIndex(next)
    virtualizer.scrollToIndex(next, { align: 'auto' })
    focusPending.current = true
  }

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    const pageRows = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? ROW_HEIGHT * 10) / ROW_HEIGHT) - 1)
    const keys: Record<string, () => void> = {
      ArrowDown: () => moveTo(activeIndex + 1),
      ArrowUp: () => moveTo(activeIndex - 1),
      PageDown: () => moveTo(activeIndex + pageRows),
      PageUp: () => moveTo(activeIndex - pageRows),
      Home: () => moveTo(0),
      End: () => moveTo(count - 1),
      Enter: () => {
        const row = pages.rowAt(activeIndex)
        if (row) onOpen(row.id)
      }
    }
    const action = keys[event.key]
    if (!action || event.altKey || event.metaKey || event.ctrlKey) return
    event.preventDefault()
    action()
  }

  const showEmpty = !pages.loading && pages.total === 0

  return (
    <div className="grid-scroll" ref={scrollRef}>
      <div
        ref={gridRef}
        role="grid"
        aria-label="Clips"
        aria-rowcount={count + 1}
        aria-colcount={COLUMNS.length}
        aria-busy={pages.loading}
        className="grid"
        onKeyDown={onKeyDown}
      >
        <div role="rowgroup" className="grid-head">
          <div role="row" aria-rowindex={1} className="grid-row">
            {COLUMNS.map((col) => (
              <HeaderCell key={col.id} column={col} sort={sort} direction={direction} onSort={onSort} />
            ))}
          </div>
        </div>
        <div role="rowgroup" className="grid-body" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const row = pages.rowAt(item.index)
            const top = item.start - HEADER_HEIGHT
            return row ? (
              <Row
                key={item.key}
                row={row}
                index={item.index}
                top={top}
                thumbnailBase={pages.thumbnailBase}
                focused={item.index === activeIndex}
                onOpen={openRow}
                distortionLabel={distortionLabel}
              />
            ) : (
              <PlaceholderRow key={item.key} index={item.index} top={top} focused={item.index === activeIndex} />
            )
          })}
        </div>
      </div>
      {pages.error && (
        <div className="grid-message" role="alert">
          <p>Could not load clips: {pages.error}</p>
          <button type="button" className="button" onClick={pages.retry}>
            Try again
          </button>
        </div>
      )}
      {showEmpty && !pages.error && <div className="grid-message">{empty}</div>}
    </div>
  )
}

function HeaderCell({
  column,
  sort,
  direction,
  onSort
}: {
  column: Column
  sort: SortKey
  direction: 'asc' | 'desc'
  onSort(key: SortKey): void
}) {
  const sorted = column.sort !== null && column.sort === sort
  const ariaSort = sorted ? (direction === 'asc' ? 'ascending' : 'descending') : undefined
  const className = `grid-cell col-${column.id}${column.numeric ? ' numeric' : ''}`
  if (column.sort === null) {
    return (
      <div role="columnheader" className={className}>
        <span className={column.hiddenLabel ? 'visually-hidden' : 'header-label'}>{column.label}</span>
      </div>
    )
  }
  const key = column.sort
  return (
    <div role="columnheader" aria-sort={ariaSort} className={className}>
      <button
        type="button"
        className={`header-button${sorted ? ' sorted' : ''}`}
        onClick={() => onSort(key)}
        title={`Sort by ${column.label.toLowerCase()}`}
      >
        <span>{column.label}</span>
        <span className="sort-arrow" aria-hidden="true">
          {sorted ? (direction === 'asc' ? '▲' : '▼') : ''}
        </span>
      </button>
    </div>
  )
}

interface RowProps {
  row: ClipRow
  index: number
  top: number
  thumbnailBase: string
  focused: boolean
  onOpen(index: number, id: number): void
  distortionLabel(id: string): string
}

const rowStyle = (top: number) => ({ transform: `translateY(${top}px)`, height: ROW_HEIGHT })

// Memoised: while scrolling, rows already on screen keep their props and skip rendering.
const Row = memo(function Row({ row, index, top, thumbnailBase, focused, onOpen, distortionLabel }: RowProps) {
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      aria-selected={focused}
      tabIndex={focused ? 0 : -1}
      data-index={index}
      className={`grid-row body-row status-${row.status}${index % 2 ? ' odd' : ''}`}
      style={rowStyle(top)}
      onClick={() => onOpen(index, row.id)}
    >
      <div role="gridcell" className="grid-cell col-thumb">
        <Thumbnail key={row.id} src={thumbnailBase ? `${thumbnailBase}${row.id}` : ''} />
      </div>
      <div role="gridcell" className="grid-cell col-name">
        <span className="clip-name" title={row.name}>
          {row.name}
        </span>
        {row.status === 'error' && row.error ? (
          // The reason is what a user needs first; the folder stays in the tooltip.
          <span className="clip-dir clip-error" title={row.relDir ? `${row.relDir} — ${row.error}` : row.error}>
            {row.error}
          </span>
        ) : (
          row.relDir && (
            <span className="clip-dir" title={row.relDir}>
              {row.relDir}
            </span>
          )
        )}
      </div>
      <div role="gridcell" className="grid-cell col-score">
        <ScoreChip score={row.score} error={row.status === 'ok' ? row.scoreError : null} />
      </div>
      <div role="gridcell" className="grid-cell col-issues">
        <Issues row={row} distortionLabel={distortionLabel} />
      </div>
      <div role="gridcell" className="grid-cell col-review">
        <ReviewState row={row} />
      </div>
      <div role="gridcell" className="grid-cell col-duration numeric">
        {formatDuration(row.duration)}
      </div>
      <div role="gridcell" className="grid-cell col-resolution numeric">
        {formatResolution(row.displayWidth, row.displayHeight)}
      </div>
      <div role="gridcell" className="grid-cell col-codec">
        {row.codec ?? '—'}
      </div>
      <div role="gridcell" className="grid-cell col-size numeric">
        {formatBytes(row.size)}
      </div>
      <div role="gridcell" className="grid-cell col-mtime numeric">
        {formatDateTime(row.mtimeMs)}
      </div>
    </div>
  )
})

/** A broken or missing file first (nothing else is known about it), then the flags with their reasons. */
function Issues({ row, distortionLabel }: { row: ClipRow; distortionLabel(id: string): string }) {
  if (row.status !== 'ok') return <StatusBadge status={row.status} error={row.error} />
  const distortion = row.topDistortion ? distortionLabel(row.topDistortion) : null
  if (row.flagged) {
    const reasons = row.flags.map((f) => f.message).join('\n')
    return (
      <span className="issues" title={reasons}>
        <span className="badge badge-flag" aria-label={`Flagged: ${row.flags.map((f) => f.message).join('; ')}`}>
          <span aria-hidden="true">⚑</span> {row.flags.length}
        </span>
        <span className="issue-text">{distortion ?? row.flags[0]?.message}</span>
      </span>
    )
  }
  return distortion ? <span className="issue-text muted">{distortion}</span> : <span className="faint">—</span>
}

function ReviewState({ row }: { row: ClipRow }) {
  const parts: string[] = []
  if (row.review) parts.push(row.review === 'accepted' ? '✓ Accepted' : '✗ Rejected')
  if (row.labelScore !== null) parts.push(`★ ${row.labelScore.toFixed(2)}`)
  if (!parts.length) return row.labelCount ? <span className="muted">{row.labelCount} label{row.labelCount === 1 ? '' : 's'}</span> : <span className="faint">—</span>
  return (
    <span className={`review-state${row.review ? ` review-${row.review}` : ''}`} title={`${row.labelCount} label${row.labelCount === 1 ? '' : 's'}`}>
      {parts.join(' · ')}
    </span>
  )
}

const PlaceholderRow = memo(function PlaceholderRow({ index, top, focused }: { index: number; top: number; focused: boolean }) {
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      aria-busy="true"
      tabIndex={focused ? 0 : -1}
      data-index={index}
      className={`grid-row body-row placeholder-row${index % 2 ? ' odd' : ''}`}
      style={rowStyle(top)}
    >
      {COLUMNS.map((col) => (
        <div key={col.id} role="gridcell" className={`grid-cell col-${col.id}`}>
          <span className={col.id === 'thumb' ? 'thumb skeleton' : 'skeleton-bar'} />
        </div>
      ))}
    </div>
  )
})

function Thumbnail({ src }: { src: string }) {
  const [failed, setFailed] = useState(false)
  if (!src || failed) {
    return (
      <span className="thumb thumb-fallback" aria-hidden="true">
        <FilmIcon />
      </span>
    )
  }
  return (
    <span className="thumb">
      <img src={src} alt="" loading="lazy" decoding="async" width={64} height={36} draggable={false} onError={() => setFailed(true)} />
    </span>
  )
}

export function FilmIcon() {
  return (
    <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" focusable="false">
      <path
        fill="currentColor"
        d="M4 4h16a1 1 0 0 1 1 1v14a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V5a1 1 0 0 1 1-1Zm1 2v2h2V6H5Zm12 0v2h2V6h-2ZM5 10v4h2v-4H5Zm12 0v4h2v-4h-2ZM5 16v2h2v-2H5Zm12 0v2h2v-2h-2ZM9 6v12h6V6H9Z"
      />
    </svg>
  )
}
