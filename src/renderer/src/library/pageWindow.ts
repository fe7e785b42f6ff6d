/**
 * Which pages of `clips.query` the table needs for a visible row range. The table holds `total`
 * rows but only ever fetches pages around what is on screen, so 100,000 rows cost a few requests.
 */
export const PAGE_SIZE = 100

/** Page indices covering rows [first, last], widened by `prefetch` rows each way, clamped to `total`. */
export function pagesForRange(first: number, last: number, total: number, prefetch = 0, pageSize = PAGE_SIZE): number[] {
  if (total <= 0 || last < first) return []
  const from = Math.max(0, first - prefetch)
  const to = Math.min(total - 1, last + prefetch)
  if (to < from) return []
  const pages: number[] = []
  for (let p = Math.floor(from / pageSize); p <= Math.floor(to / pageSize); p++) pages.push(p)
  return pages
}

/**
 * Pages to drop so at most `max` stay cached, farthest from `centre` first: scrolling back a
 * little is instant, while a long fling through the list does not keep every page alive.
 */
export function pagesToEvict(cached: Iterable<number>, centre: number, max: number): number[] {
  const pages = [...cached]
  if (pages.length <= max) return []
  pages.sort((a, b) => Math.abs(b - centre) - Math.abs(a - centre) || b - a)
  return pages.slice(0, pages.length - max)
}
