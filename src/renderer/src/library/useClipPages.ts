import { useCallback, useEffect, useLayoutEffect, useReducer, useRef, useState } from 'react'
import type { ClipQuery, ClipRow, VqaApi } from '../../../shared/contract'
import { errorMessage } from '../app/errors'
import { PAGE_SIZE, pagesForRange, pagesToEvict } from './pageWindow'

/** What the table filters and sorts by; offset and limit are the hook's business. */
export type ClipFilter = Omit<ClipQuery, 'offset' | 'limit'>

/** Rows fetched beyond each edge of the screen, so a steady scroll rarely shows a placeholder. */
const PREFETCH_ROWS = 60
/** ~6,000 rows: plenty to scroll back through, a trifle of memory. */
const MAX_PAGES = 60
/** A fling crosses many pages in a few frames; only the ones it stops on are fetched. */
const SETTLE_MS = 40

interface CachedPage {
  rows: ClipRow[]
  generation: number
}

interface Store {
  key: string
  filter: ClipFilter
  /** Grows on every library change: older pages stay on screen until their refetch lands. */
  generation: number
  pages: Map<number, CachedPage>
  inflight: Map<number, number>
  visible: { first: number; last: number }
  total: number | null
  timer: ReturnType<typeof setTimeout> | null
}

export interface ClipPages {
  /** Null until the first page of this filter arrived. */
  total: number | null
  /** The total still describes an earlier filter: do not show empty states yet. */
  loading: boolean
  error: string | null
  thumbnailBase: string
  rowAt(index: number): ClipRow | undefined
  /** The table reports what is on screen; pages are fetched once scrolling settles. */
  setVisible(first: number, last: number): void
  retry(): void
}

/**
 * `clips.query` as a sparse list: `total` rows, of which only pages near the screen are held.
 * Replies for an earlier filter are dropped, so fast typing in the search box cannot
 * paint stale rows.
 */
export function useClipPages(api: VqaApi, filter: ClipFilter, version: number): ClipPages {
  const key = JSON.stringify(filter)
  const store = useRef<Store>({
    key: '',
    filter,
    generation: 0,
    pages: new Map(),
    inflight: new Map(),
    visible: { first: 0, last: 30 },
    total: null,
    timer: null
  })
  const [, repaint] = useReducer((n: number) => n + 1, 0)
  const [total, setTotal] = useState<number | null>(null)
  const [loadedKey, setLoadedKey] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [thumbnailBase, setThumbnailBase] = useState('')

  const fetchPage = useCallback(
    (page: number) => {
      const s = store.current
      const { key: requestKey, generation, filter: requestFilter } = s
      if (s.inflight.get(page) === generation) return
      if (s.pages.get(page)?.generation === generation) return
      s.inflight.set(page, generation)
      api.invoke('clips.query', { ...requestFilter, offset: page * PAGE_SIZE, limit: PAGE_SIZE }).then(
        (result) => {
          if (s.key !== requestKey) return
          if (s.inflight.get(page) === generation) s.inflight.delete(page)
          const existing = s.pages.get(page)
          if (existing && existing.generation > generation) return
          s.pages.set(page, { rows: result.rows, generation })
          const centre = Math.floor(s.visible.first / PAGE_SIZE)
          for (const p of pagesToEvict(s.pages.keys(), centre, MAX_PAGES)) s.pages.delete(p)
          s.total = result.total
          setTotal(result.total)
          setThumbnailBase(result.thumbnailBase)
          setLoadedKey(requestKey)
          setError(null)
          repaint()
        },
        (err: unknown) => {
          if (s.key !== requestKey) return
          if (s.inflight.get(page) === generation) s.inflight.delete(page)
          setError(errorMessage(err))
        }
      )
    },
    [api]
  )

  const fetchVisible = useCallback(() => {
    const s = store.current
    s.timer = null
    // With no rows known (first load, or an empty folder that a running scan is filling) there is no range to
    // compute: ask for the first page, whose answer brings the new total.
    if (s.total === null || s.total === 0) {
      fetchPage(0)
      return
    }
    for (const page of pagesForRange(s.visible.first, s.visible.last, s.total, PREFETCH_ROWS)) fetchPage(page)
  }, [fetchPage])

  // Layout effect: the very next paint must not show the previous filter's rows under the new one.
  useLayoutEffect(() => {
    const s = store.current
    if (s.key === key) return
    s.key = key
    s.filter = filter
    s.generation++
    s.pages.clear()
    s.inflight.clear()
    setError(null)
    fetchPage(0)
    // `filter` is a new object every render; `key` decides whether anything changed.
  }, [key, filter, fetchPage])

  // A library change: keep showing what is there, refetch what is on screen, forget the rest.
  const seenVersion = useRef(version)
  useEffect(() => {
    if (seenVersion.current === version) return
    seenVersion.current = version
    const s = store.current
    s.generation++
    const keep = new Set(pagesForRange(s.visible.first, s.visible.last, s.total ?? 0, PREFETCH_ROWS))
    for (const page of [...s.pages.keys()]) if (!keep.has(page)) s.pages.delete(page)
    s.inflight.clear()
    fetchVisible()
  }, [version, fetchVisible])

  useEffect(
    () => () => {
      const s = store.current
      if (s.timer) clearTimeout(s.timer)
    },
    []
  )

  const setVisible = useCallback(
    (first: number, last: number) => {
      const s = store.current
      s.visible = { first, last }
      if (s.timer) clearTimeout(s.timer)
      s.timer = setTimeout(fetchVisible, SETTLE_MS)
    },
    [fetchVisible]
  )

  const retry = useCallback(() => {
    const s = store.current
    s.generation++
    s.inflight.clear()
    setError(null)
    fetchVisible()
  }, [fetchVisible])

  const rowAt = useCallback((index: number): ClipRow | undefined => {
    const page = store.current.pages.get(Math.floor(index / PAGE_SIZE))
    return page?.rows[index % PAGE_SIZE]
  }, [])

  return {
    total,
    loading: loadedKey !== key,
    error,
    thumbnailBase,
    rowAt,
    setVisible,
    retry
  }
}
