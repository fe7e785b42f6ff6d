import { describe, expect, it } from 'vitest'
import { createRng, hash32 } from './prng'

describe('createRng', () => {
  it('repeats exactly for the same seed and differs for another', () => {
    const a = createRng(42)
    const b = createRng(42)
    const c = createRng(43)
    const seqA = Array.from({ length: 20 }, () => a.next())
    expect(Array.from({ length: 20 }, () => b.next())).toEqual(seqA)
    expect(Array.from({ length: 20 }, () => c.next())).not.toEqual(seqA)
  })

  it('gives a known first value (guards against an accidental algorithm change, which would change every dataset)', () => {
    expect(createRng(1).next()).toBeCloseTo(0.6270739405881613, 12)
  })

  it('stays in range', () => {
    const rng = createRng('range')
    for (let i = 0; i < 2000; i++) {
      const x = rng.next()
      expect(x).toBeGreaterThanOrEqual(0)
      expect(x).toBeLessThan(1)
      const k = rng.int(3, 5)
      expect([3, 4, 5]).toContain(k)
    }
  })

  it('forks independent, reproducible streams', () => {
    const root1 = createRng(7)
    const root2 = createRng(7)
    root2.next() // drawing from the parent does not move a fork
    expect(root1.fork('x').next()).toBe(root2.fork('x').next())
    expect(createRng(7).fork('x').next()).not.toBe(createRng(7).fork('y').next())
  })

  it('shuffles to a permutation', () => {
    const s = createRng(3).shuffle([1, 2, 3, 4, 5, 6])
    expect([...s].sort()).toEqual([1, 2, 3, 4, 5, 6])
  })

  it('hashes labels stably', () => {
    expect(hash32('')).toBe(0x811c9dc5)
    expect(hash32('abc')).toBe(hash32('abc'))
    expect(hash32('abc')).not.toBe(hash32('abd'))
  })
})
