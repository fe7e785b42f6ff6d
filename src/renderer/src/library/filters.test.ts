import { describe, expect, it } from 'vitest'
import { activeFilterCount, describeFilters, filterQuery, NO_FILTERS, viewFromQuery } from './filters'

describe('library filters', () => {
  it('turn into a clips query, bands as inclusive score bounds', () => {
    expect(filterQuery(NO_FILTERS, null, 'name', 'asc')).toEqual({ sort: 'name', direction: 'asc' })
    const q = filterQuery({ ...NO_FILTERS, band: 'poor', flagged: 'yes', distortion: 'noise', labelState: 'unlabelled', modelId: '3', search: ' a ' }, { folderId: 2, dir: 'x' }, 'score', 'desc')
    expect(q).toMatchObject({ folderId: 2, dir: 'x', search: 'a', flagged: true, distortion: 'noise', labelState: 'unlabelled', modelId: 3, scoreMin: 1.5 })
    expect(q.scoreMax).toBeLessThan(2.5)
    expect(q.scoreMax).toBeGreaterThan(2.4999)
    expect(filterQuery({ ...NO_FILTERS, band: 'excellent' }, null, 'name', 'asc').scoreMax).toBe(5)
    expect(filterQuery({ ...NO_FILTERS, band: 'unscored' }, null, 'name', 'asc')).toMatchObject({ scored: false })
    expect(filterQuery({ ...NO_FILTERS, flagged: 'no' }, null, 'name', 'asc')).toMatchObject({ flagged: false })
  })
  it('count and describe what is active', () => {
    const f = { ...NO_FILTERS, band: 'bad' as const, distortion: 'color_cast' }
    expect(activeFilterCount(NO_FILTERS)).toBe(0)
    expect(activeFilterCount(f)).toBe(2)
    expect(describeFilters(f, () => 'Colour cast')).toBe('scored bad, colour cast')
  })
  it('restore a saved view, dropping what they do not know', () => {
    const v = viewFromQuery({ filters: { band: 'fair', bogus: 1, flagged: 7 }, sort: 'score', direction: 'desc', scope: { folderId: 4, dir: 'a' } })
    expect(v).toEqual({ filters: { ...NO_FILTERS, band: 'fair' }, sort: 'score', direction: 'desc', scope: { folderId: 4, dir: 'a' } })
    expect(viewFromQuery({ sort: 'evil; DROP', scope: 'x' })).toEqual({ filters: NO_FILTERS, sort: 'name', direction: 'asc', scope: null })
  })
})
