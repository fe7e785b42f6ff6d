/**
 * The field's agreement measures between predictions and ground truth: SRCC, KRCC (rank), PLCC and RMSE (linear),
 * the latter two also after the customary 4-parameter logistic fit of predictions to the ground-truth scale.
 */

export function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length
}

export function pearson(x: readonly number[], y: readonly number[]): number {
  const mx = mean(x)
  const my = mean(y)
  let sxy = 0
  let sxx = 0
  let syy = 0
  for (let i = 0; i < x.length; i++) {
    const dx = x[i]! - mx
    const dy = y[i]! - my
    sxy += dx * dy
    sxx += dx * dx
    syy += dy * dy
  }
  return sxx === 0 || syy === 0 ? 0 : sxy / Math.sqrt(sxx * syy)
}

/** Ranks with ties sharing their average rank. */
export function ranks(x: readonly number[]): number[] {
  const order = x.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0])
  const r = new Array<number>(x.length)
  for (let i = 0; i < order.length; ) {
    let j = i
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++
    const avg = (i + j) / 2 + 1
    for (let k = i; k <= j; k++) r[order[k]![1]] = avg
    i = j + 1
  }
  return r
}

export function spearman(x: readonly number[], y: readonly number[]): number {
  return pearson(ranks(x), ranks(y))
}

/** Kendall's tau-b (handles ties). O(n²): fine for evaluation sets of a few thousand. */
export function kendall(x: readonly number[], y: readonly number[]): number {
  let concordant = 0
  let discordant = 0
  let tx = 0
  let ty = 0
  for (let i = 0; i < x.length; i++) {
    for (let j = i + 1; j < x.length; j++) {
      const a = Math.sign(x[i]! - x[j]!)
      const b = Math.sign(y[i]! - y[j]!)
      if (a === 0 && b === 0) continue
      if (a === 0) tx++
      else if (b === 0) ty++
      else if (a === b) concordant++
      else discordant++
    }
  }
  const denom = Math.sqrt((concordant + discordant + tx) * (concordant + discordant + ty))
  return denom === 0 ? 0 : (concordant - discordant) / denom
}

export function rmse(x: readonly number[], y: readonly number[]): number {
  return Math.sqrt(mean(x.map((v, i) => (v - y[i]!) ** 2)))
}

/** f(x) = b2 + (b1 − b2) / (1 + exp(−(x − b3) / |b4|)) */
export function logistic4(p: readonly [number, number, number, number], x: number): number {
  const [b1, b2, b3, b4] = p
  return b2 + (b1 - b2) / (1 + Math.exp(-(x - b3) / Math.max(1e-6, Math.abs(b4))))
}

/** Least-squares fit of the 4-parameter logistic (Levenberg–Marquardt with a numeric Jacobian). */
export function fitLogistic4(x: readonly number[], y: readonly number[]): [number, number, number, number] {
  const sd = Math.sqrt(mean(x.map((v) => (v - mean(x)) ** 2))) || 1
  let p: [number, number, number, number] = [Math.max(...y), Math.min(...y), mean(x), sd]
  const loss = (q: readonly number[]): number => x.reduce((a, v, i) => a + (logistic4(q as [number, number, number, number], v) - y[i]!) ** 2, 0)
  let lambda = 1e-2
  let current = loss(p)
  for (let iter = 0; iter < 200; iter++) {
    // J^T J and J^T r
    const JtJ = [0, 1, 2, 3].map(() => [0, 0, 0, 0])
    const Jtr = [0, 0, 0, 0]
    for (let i = 0; i < x.length; i++) {
      const f0 = logistic4(p, x[i]!)
      const r = y[i]! - f0
      const J = p.map((_, k) => {
        const h = 1e-6 * Math.max(1, Math.abs(p[k]!))
        const q = [...p] as [number, number, number, number]
        q[k] = q[k]! + h
        return (logistic4(q, x[i]!) - f0) / h
      })
      for (let a = 0; a < 4; a++) {
        Jtr[a]! += J[a]! * r
        for (let b = 0; b < 4; b++) JtJ[a]![b]! += J[a]! * J[b]!
      }
    }
    const A = JtJ.map((row, a) => row.map((v, b) => (a === b ? v * (1 + lambda) + 1e-12 : v)))
    const step = solve4(A, Jtr)
    if (!step) break
    const next = p.map((v, k) => v + step[k]!) as [number, number, number, number]
    const nl = loss(next)
    if (nl < current) {
      const done = current - nl < 1e-12 * (1 + current)
      p = next
      current = nl
      lambda = Math.max(1e-9, lambda / 3)
      if (done) break
    } else {
      lambda *= 4
      if (lambda > 1e9) break
    }
  }
  return p
}

function solve4(A: number[][], b: number[]): number[] | null {
  const n = b.length
  const M = A.map((row, i) => [...row, b[i]!])
  for (let c = 0; c < n; c++) {
    let piv = c
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[piv]![c]!)) piv = r
    if (Math.abs(M[piv]![c]!) < 1e-18) return null
    ;[M[c], M[piv]] = [M[piv]!, M[c]!]
    for (let r = 0; r < n; r++) {
      if (r === c) continue
      const f = M[r]![c]! / M[c]![c]!
      for (let k = c; k <= n; k++) M[r]![k]! -= f * M[c]![k]!
    }
  }
  return M.map((row, i) => row[n]! / row[i]!)
}

export interface Agreement {
  n: number
  srcc: number
  krcc: number
  plcc: number
  rmse: number
  /** After the 4-parameter logistic fit. */
  plccFitted: number
  rmseFitted: number
}

export function agreement(pred: readonly number[], gt: readonly number[]): Agreement {
  const p = fitLogistic4(pred, gt)
  const fitted = pred.map((v) => logistic4(p, v))
  return {
    n: pred.length,
    srcc: spearman(pred, gt),
    krcc: kendall(pred, gt),
    plcc: pearson(pred, gt),
    rmse: rmse(pred, gt),
    plccFitted: pearson(fitted, gt),
    rmseFitted: rmse(fitted, gt)
  }
}

/** Area under the ROC curve (probability a random positive outranks a random negative). */
export function auc(scores: readonly number[], positive: readonly boolean[]): number {
  const r = ranks(scores)
  const nPos = positive.filter(Boolean).length
  const nNeg = positive.length - nPos
  if (nPos === 0 || nNeg === 0) return NaN
  const sumPos = r.reduce((a, v, i) => a + (positive[i] ? v : 0), 0)
  return (sumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg)
}
