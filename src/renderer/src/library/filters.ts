/**
 * The library's filters as the user sets them, and their translation to a clips.query. Pure, so saved views and the
 * table agree on what a filter means, and it is tested without a DOM.
 */
import type { ClipQuery, ClipStatus, SortKey } from '../../../shared/contract'
import { LEVEL_BANDS, type QualityLevel } from '../quality'

export type Band = QualityLevel | 'unscored'
export type LabelState = 'labelled' | 'unlabelled' | 'accepted' | 'rejected'

export interface LibraryFilters {
  search: string
  status: ClipStatus | ''
  codec: string
  band: Band | ''
  flagged: 'yes' | 'no' | ''
  distortion: string
  labelState: LabelState | ''
  /** A model_versions id, as text ('' = any). */
  modelId: string
}

export const NO_FILTERS: LibraryFilters = {
  search: '',
  status: '',
  codec: '',
  band: '',
  flagged: '',
  distortion: '',
  labelState: '',
  modelId: ''
}

export type ClipFilter = Omit<ClipQuery, 'offset' | 'limit'> & { sort: SortKey; direction: 'asc' | 'desc' }

export function filterQuery(f: LibraryFilters, scope: { folderId: number; dir: string } | null, sort: SortKey, direction: 'asc' | 'desc'): ClipFilter {
  const q: ClipFilter = { sort, direction }
  if (scope) {
    q.folderId = scope.folderId
    if (scope.dir) q.dir = scope.dir
  }
  if (f.status) q.status = f.status
  if (f.codec) q.codec = f.codec
  const search = f.search.trim()
  if (search) q.search = search
  if (f.band === 'unscored') q.scored = false
  else if (f.band) {
    const b = LEVEL_BANDS[f.band]
    q.scoreMin = b.min
    // The bands are half-open; the query's bounds are inclusive.
    q.scoreMax = Math.min(5, b.max - 1e-9)
  }
  if (f.flagged) q.flagged = f.flagged === 'yes'
  if (f.distortion) q.distortion = f.distortion
  if (f.labelState) q.labelState = f.labelState
  const model = Number(f.modelId)
  if (f.modelId && Number.isInteger(model)) q.modelId = model
  return q
}

export function activeFilterCount(f: LibraryFilters): number {
  return (Object.keys(NO_FILTERS) as Array<keyof LibraryFilters>).filter((k) => f[k] !== NO_FILTERS[k]).length
}

/** A saved view holds the filters, sort and scope; anything unknown in it (an older app's view) is dropped. */
export interface ViewState {
  filters: LibraryFilters
  sort: SortKey
  direction: 'asc' | 'desc'
  scope: { folderId: number; dir: string } | null
}

const SORTS: readonly SortKey[] = ['name', 'duration', 'resolution', 'codec', 'status', 'size', 'addedAt', 'mtime', 'score']

export function viewFromQuery(query: Record<string, unknown>): ViewState {
  const f = (query['filters'] ?? {}) as Record<string, unknown>
  const filters = { ...NO_FILTERS }
  for (const k of Object.keys(NO_FILTERS) as Array<keyof LibraryFilters>) {
    if (typeof f[k] === 'string') (filters as Record<string, string>)[k] = f[k]
  }
  const sort = SORTS.includes(query['sort'] as SortKey) ? (query['sort'] as SortKey) : 'name'
  const direction = query['direction'] === 'desc' ? 'desc' : 'asc'
  const s = query['scope'] as { folderId?: unknown; dir?: unknown } | null | undefined
  const scope = s && typeof s.folderId === 'number' ? { folderId: s.folderId, dir: typeof s.dir === 'string' ? s.dir : '' } : null
  return { filters, sort, direction, scope }
}

export function describeFilters(f: LibraryFilters, distortionLabel: (id: string) => string = (id) => id): string {
  const parts: string[] = []
  if (f.search.trim()) parts.push(`“${f.search.trim()}”`)
  if (f.status) parts.push(`status ${f.status}`)
  if (f.codec) parts.push(`codec ${f.codec}`)
  if (f.band) parts.push(f.band === 'unscored' ? 'not scored' : `scored ${f.band}`)
  if (f.flagged) parts.push(f.flagged === 'yes' ? 'flagged' : 'not flagged')
  if (f.distortion) parts.push(distortionLabel(f.distortion).toLowerCase())
  if (f.labelState) parts.push(f.labelState)
  if (f.modelId) parts.push('that model version')
  return parts.join(', ')
}
