import { describe, expect, it } from 'vitest'
import { compactParts, storedParts } from './store'

describe('stored parts', () => {
  it('keep times to the millisecond and values to three places, and leave out what was not measured', () => {
    const parts = [{ start: 2.123456, end: 2.6251, score: 3.14159, severities: { black: 0.59961, noise: NaN } }]
    expect(storedParts(parts)).toEqual([{ start: 2.123, end: 2.625, score: 3.142, severities: { black: 0.6 } }])
    expect(JSON.parse(compactParts(parts)!)).toEqual(storedParts(parts))
    expect(compactParts(null)).toBeNull()
    expect(compactParts([])).toBeNull()
  })
})
