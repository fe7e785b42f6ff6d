/**
 * A small seeded PRNG (mulberry32). The dataset must be reproducible from its seed alone, and Math.random cannot be
 * seeded; mulberry32 is tiny, fast, and good enough for sampling plans (it is not used for anything cryptographic).
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number
  /** Uniform in [lo, hi). */
  float(lo: number, hi: number): number
  /** Uniform integer in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number
  pick<T>(items: readonly T[]): T
  /** A new array, Fisher–Yates shuffled. */
  shuffle<T>(items: readonly T[]): T[]
  /** An independent stream derived from this one's seed and a label, so adding draws in one place does not shift another. */
  fork(label: string): Rng
}

/** FNV-1a, 32 bit: turns labels into seeds. */
export function hash32(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h >>> 0
}

export function createRng(seed: number | string): Rng {
  const seedNum = typeof seed === 'string' ? hash32(seed) : seed >>> 0
  let state = seedNum
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const rng: Rng = {
    next,
    float: (lo, hi) => lo + (hi - lo) * next(),
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new Error('pick from an empty list')
      return items[Math.floor(next() * items.length)] as T
    },
    shuffle: <T>(items: readonly T[]): T[] => {
      const out = [...items]
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1))
        const tmp = out[i] as T
        out[i] = out[j] as T
        out[j] = tmp
      }
      return out
    },
    fork: (label) => createRng(hash32(`${seedNum}:${label}`))
  }
  return rng
}
