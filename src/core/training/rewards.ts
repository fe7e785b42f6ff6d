/**
 * VQAThinker's rewards and GRPO's group advantages (../shared/vqathinker.md), as pure functions over numbers, so each
 * formula is tested against the paper's own figures without a model in sight. The trainer composes them per step.
 */

/** Bell-shaped regression reward: exp(−(ŝ − s)² / (2σ²)), σ = 0.5 (d = 0.5 → 0.607). */
export function regressionReward(predicted: number, target: number, sigma = 0.5): number {
  const d = predicted - target
  return Math.exp(-(d * d) / (2 * sigma * sigma))
}

/** Standard normal CDF Φ (Abramowitz–Stegun 7.1.26 via erf; |error| < 1.5e-7, plenty for a reward). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2
  const t = 1 / (1 + 0.3275911 * z)
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
  const erf = 1 - poly * Math.exp(-z * z)
  return 0.5 * (1 + (x >= 0 ? erf : -erf))
}

export function mean(xs: readonly number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0
}

/** Unbiased variance (n − 1), as the seed uses for a group's spread; 0 for fewer than two values. */
export function unbiasedVariance(xs: readonly number[]): number {
  if (xs.length < 2) return 0
  const m = mean(xs)
  return xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1)
}

/**
 * Pairwise fidelity ranking reward (Thurstone form). `groups[i]` holds the G sampled scores for video i, `mos[i]` its
 * label. For answer j of video i against every other video z: p = Φ((ŝ_ij − μ_z) / √(σ_i² + σ_z² + 1e-6)),
 * g = 1 / 0 / 0.5 as MOS_i is above / below / equal to MOS_z; pair reward = √(p·g + ε) + √((1 − p)(1 − g) + ε);
 * the reward is the mean over z ≠ i. Returns rewards shaped like `groups`. A batch of one video has no pairs: 0.
 */
export function rankRewards(groups: readonly (readonly number[])[], mos: readonly number[], eps = 1e-6): number[][] {
  const mu = groups.map(mean)
  const v = groups.map(unbiasedVariance)
  return groups.map((answers, i) =>
    answers.map((s) => {
      let sum = 0
      let n = 0
      for (let z = 0; z < groups.length; z++) {
        if (z === i) continue
        const p = normalCdf((s - mu[z]!) / Math.sqrt(v[i]! + v[z]! + 1e-6))
        const g = mos[i]! > mos[z]! ? 1 : mos[i]! < mos[z]! ? 0 : 0.5
        sum += Math.sqrt(p * g + eps) + Math.sqrt((1 - p) * (1 - g) + eps)
        n++
      }
      return n ? sum / n : 0
    })
  )
}

/**
 * GRPO's group-relative advantage: A = (R − mean_G) / (std_G + 1e-4), with the unbiased (n − 1) std that torch's
 * `std()` gives in the reference GRPO implementations the seed builds on; the tests pin it.
 */
export function groupAdvantages(rewards: readonly number[], eps = 1e-4): number[] {
  const m = mean(rewards)
  const sd = Math.sqrt(unbiasedVariance(rewards))
  return rewards.map((r) => (r - m) / (sd + eps))
}

export interface TemporalInputs {
  /** Per video, per answer, on the original and on its perturbed copy. */
  rankOriginal: number[][]
  rankPerturbed: number[][]
  regOriginal: number[][]
  regPerturbed: number[][]
}

/**
 * The temporal-consistency bonus. If the batch's mean rank reward on the originals is at least that on the perturbed
 * copies, every original answer with r_rank > 0.5 gets +0.3; likewise for the regression reward with r_reg > 0.9.
 * Returns the bonus per original answer (perturbed answers get no gradient, so no bonus either).
 */
export function temporalBonus(t: TemporalInputs, bonus = 0.3): number[][] {
  const flat = (m: number[][]): number[] => m.flat()
  const rankHolds = mean(flat(t.rankOriginal)) >= mean(flat(t.rankPerturbed))
  const regHolds = mean(flat(t.regOriginal)) >= mean(flat(t.regPerturbed))
  return t.rankOriginal.map((answers, i) =>
    answers.map((r, j) => (rankHolds && r > 0.5 ? bonus : 0) + (regHolds && (t.regOriginal[i]![j] ?? 0) > 0.9 ? bonus : 0))
  )
}

/** Naming the tagged distortion: 1 when the sampled distortion is one the user tagged on that stretch, else 0. */
export function attributionReward(sampled: string, tagged: readonly string[]): number {
  return tagged.includes(sampled) ? 1 : 0
}

/** The six perturbation modes of the temporal reward. */
export const PERTURBATIONS = ['shuffle', 'local_shuffle', 'reverse', 'jitter', 'duplicate', 'random_drop'] as const
export type Perturbation = (typeof PERTURBATIONS)[number]

/**
 * Pure: the frame order of a perturbed copy of an n-frame sequence. Entries are source indices, or −1 for a blanked
 * frame (random_drop). `random` is a seeded generator in [0, 1).
 */
export function perturbOrder(mode: Perturbation, n: number, random: () => number): number[] {
  const idx = Array.from({ length: n }, (_, i) => i)
  const int = (k: number): number => Math.floor(random() * k)
  const shuffle = (a: number[], from = 0, to = a.length): void => {
    for (let i = to - 1; i > from; i--) {
      const j = from + int(i - from + 1)
      ;[a[i], a[j]] = [a[j]!, a[i]!]
    }
  }
  switch (mode) {
    case 'shuffle':
      shuffle(idx)
      return idx
    case 'local_shuffle':
      for (let w = 0; w < n; w += 4) shuffle(idx, w, Math.min(n, w + 4))
      return idx
    case 'reverse':
      return idx.reverse()
    case 'jitter':
      return idx.map((i) => Math.max(0, Math.min(n - 1, i + int(3) - 1)))
    case 'duplicate': {
      // Insert 1–3 copies of one frame and drop as many others: a stutter or freeze of the same length.
      const k = Math.min(n - 1, 1 + int(3))
      if (k <= 0) return idx
      const at = int(n)
      const out = [...idx.slice(0, at + 1), ...Array<number>(k).fill(at), ...idx.slice(at + 1)]
      for (let d = 0; d < k; d++) {
        const candidates = out.map((v, i) => ({ v, i })).filter((c) => c.i !== at && !(c.i > at && c.i <= at + k - d))
        const drop = candidates[int(candidates.length)]!
        out.splice(drop.i, 1)
      }
      return out
    }
    case 'random_drop': {
      const k = Math.min(n, 1 + int(3))
      const out = [...idx]
      const chosen = new Set<number>()
      while (chosen.size < k) chosen.add(int(n))
      for (const c of chosen) out[c] = -1
      return out
    }
  }
}

/** A seeded xorshift generator in [0, 1): training runs are reproducible from their seed. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0 || 1
  return () => {
    s ^= s << 13
    s ^= s >>> 17
    s ^= s << 5
    return (s >>> 0) / 2 ** 32
  }
}
