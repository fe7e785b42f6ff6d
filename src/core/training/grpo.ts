/**
 * Fine-tuning the pack's head on a user's labels with GRPO, as VQAThinker runs it (../shared/vqathinker.md), and a
 * plain supervised regression for comparison. TensorFlow.js does every gradient; nothing here is backpropagated by
 * hand.
 *
 * The policy. For a clip, the head gives each segment a level distribution; its expectation is the segment's score,
 * and the clip's score μ is the app's pooling of them (½ mean + ½ worst quarter, linear in the segment scores for a
 * given ranking — see poolingWeights). The sampled action is a continuous score a ~ N(μ, σ²) (σ = 0.25 by default:
 * fine enough for the bell-shaped regression reward to tell 3.1 from 3.4). Where the user tagged distortions on a
 * segment, the action also names one distortion, drawn in proportion to the head's severities on that segment.
 *
 * One step: G answers per clip are sampled; each gets the switched-on rewards (regression, pairwise ranking against
 * the other clips of the batch, the temporal-consistency bonus from the clip's perturbed copy, attribution);
 * advantages are normalised within each clip's group; the loss is the clipped surrogate plus β·KL (k3 estimator) to
 * the frozen starting head. On-policy with one inner iteration, so the ratio is 1 in value and carries the gradient.
 */
import * as tf from '@tensorflow/tfjs'
import { agreement } from '../eval/metrics'
import { poolingWeights } from '../engine/pooling'
import { Head, type HeadWeights } from '../model/head'
import { attributionReward, groupAdvantages, mean, rankRewards, regressionReward, seededRandom, temporalBonus } from './rewards'

export interface TrainClip {
  id: number
  /** The head's inputs per segment, [segments][features]. */
  segments: number[][]
  bounds: Array<{ start: number; end: number }>
  /** The user's score, 1–5. */
  label: number
  /** The head's inputs for a temporally perturbed copy of the clip (same segments), for the temporal reward. */
  perturbed?: number[][] | null
  /** Distortions the user tagged, by segment index. */
  tags?: Array<{ segment: number; distortions: string[] }>
}

export type RewardName = 'reg' | 'rank' | 'temporal' | 'attribution'

export interface GrpoOptions {
  rewards: readonly RewardName[]
  group: number
  beta: number
  clipEpsilon: number
  sigma: number
  learningRate: number
  batchSize: number
  epochs: number
  seed: number
}

export const DEFAULT_GRPO: GrpoOptions = {
  rewards: ['reg', 'rank', 'temporal', 'attribution'],
  group: 4,
  beta: 0.04,
  clipEpsilon: 0.2,
  sigma: 0.25,
  // The seed's 1e-6 is for an 8B language model; this head has a few thousand weights.
  learningRate: 2e-3,
  batchSize: 16,
  epochs: 30,
  seed: 1
}

export interface StepStats {
  step: number
  epoch: number
  loss: number
  kl: number
  /** Mean of each reward over the batch's answers (all computed, whether switched on or not, so curves compare). */
  rewards: Record<RewardName, number>
}

export interface EvalStats {
  srcc: number
  plcc: number
  rmse: number
  predictions: number[]
}

/** The clip scores the head gives now (deterministic: the expectation, pooled). */
export function predictClips(head: Head, clips: readonly TrainClip[], which: 'segments' | 'perturbed' = 'segments'): number[] {
  return clips.map((c) => {
    const rows = which === 'perturbed' && c.perturbed ? c.perturbed : c.segments
    const { scores } = head.predict(rows)
    const w = poolingWeights(c.bounds.map((b, i) => ({ ...b, score: scores[i]! })))
    return w.reduce((a, wi, i) => a + wi * scores[i]!, 0)
  })
}

export function evaluate(head: Head, clips: readonly TrainClip[]): EvalStats {
  const predictions = predictClips(head, clips)
  const a = agreement(predictions, clips.map((c) => c.label))
  return { srcc: a.srcc, plcc: a.plcc, rmse: a.rmse, predictions }
}

/** Standard normal draws from a seeded uniform generator (Box–Muller). */
function gaussian(random: () => number): () => number {
  return () => {
    const u = Math.max(1e-12, random())
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random())
  }
}

const LEVELS = [1, 2, 3, 4, 5]

/**
 * Builds, for a batch, the differentiable clip scores μ [B] and the severities of each clip's first tagged segment.
 * Pooling weights come from the current segment scores (constants in the graph), so μ is exactly the app's pooling.
 */
function batchGraph(head: Head, clips: readonly TrainClip[], which: 'segments' | 'perturbed'): { mu: tf.Tensor1D; severities: tf.Tensor2D } {
  const rows: number[][] = []
  const offsets: number[] = []
  for (const c of clips) {
    offsets.push(rows.length)
    rows.push(...(which === 'perturbed' && c.perturbed ? c.perturbed : c.segments))
  }
  const { logits, severities } = head.forward(tf.tensor2d(rows, [rows.length, head.spec.inputs.length]))
  const segScores = tf.sum(tf.mul(tf.softmax(logits), tf.tensor1d(LEVELS)), 1) as tf.Tensor1D
  const values = segScores.dataSync()
  const W = new Float32Array(clips.length * rows.length)
  clips.forEach((c, b) => {
    const o = offsets[b]!
    const w = poolingWeights(c.bounds.map((bd, i) => ({ ...bd, score: values[o + i]! })))
    w.forEach((wi, i) => (W[b * rows.length + o + i] = wi))
  })
  const mu = tf.squeeze(tf.matMul(tf.tensor2d(W, [clips.length, rows.length]), tf.expandDims(segScores, 1)), [1]) as tf.Tensor1D
  return { mu, severities }
}

export interface Trainer {
  step(batch: readonly TrainClip[], epoch: number): StepStats
  /** Restart the sampling generator (at each epoch), so a run resumed from an epoch checkpoint samples the same. */
  reseed(seed: number): void
  dispose(): void
}

/** A GRPO trainer over `head` (trained in place) against a frozen copy of its starting weights. */
export function createGrpoTrainer(head: Head, distortions: readonly string[], options: Partial<GrpoOptions> & { reference?: HeadWeights } = {}): Trainer {
  const o = { ...DEFAULT_GRPO, ...options }
  // The KL anchor: the head as it starts, or (on a resume from a checkpoint) the base head the run started from.
  const reference = options.reference ? Head.fromWeights(options.reference) : head.clone()
  const optimizer = tf.train.adam(o.learningRate)
  let random = seededRandom(o.seed)
  let normal = gaussian(random)
  const on = new Set(o.rewards)
  let stepNo = 0

  return {
    step(batch, epoch) {
      const B = batch.length
      const G = o.group
      // 1. Sample G answers per clip from the current policy (no gradient needed for sampling).
      let muNow: number[] = []
      let sevNow: number[][] = []
      let muRef: number[] = []
      let muPert: number[] | null = null
      tf.tidy(() => {
        const now = batchGraph(head, batch, 'segments')
        muNow = Array.from(now.mu.dataSync())
        sevNow = now.severities.arraySync()
        muRef = Array.from(batchGraph(reference, batch, 'segments').mu.dataSync())
        if (on.has('temporal') && batch.some((c) => c.perturbed)) muPert = Array.from(batchGraph(head, batch, 'perturbed').mu.dataSync())
      })
      const rowOf = (() => {
        let o2 = 0
        return batch.map((c) => {
          const r = o2 + (c.tags?.[0]?.segment ?? 0)
          o2 += c.segments.length
          return r
        })
      })()
      const actions = muNow.map((m) => Array.from({ length: G }, () => m + o.sigma * normal()))
      const labels = batch.map((c) => c.label)

      // Distortion attribution: for clips with tags, one distortion per answer, drawn ∝ severity on the tagged segment.
      const picks: Array<number[] | null> = batch.map((c, b) => {
        if (!c.tags?.length) return null
        const sev = sevNow[rowOf[b]!] ?? []
        const total = sev.reduce((a, v) => a + v, 0) || 1
        return Array.from({ length: G }, () => {
          let u = random() * total
          for (let d = 0; d < sev.length; d++) {
            u -= sev[d]!
            if (u <= 0) return d
          }
          return sev.length - 1
        })
      })

      // 2. Rewards.
      const reg = actions.map((as, i) => as.map((a) => regressionReward(a, labels[i]!)))
      const rank = rankRewards(actions, labels)
      const attr = batch.map((c, b) =>
        picks[b] ? picks[b].map((d) => attributionReward(distortions[d] ?? '', c.tags!.flatMap((t) => t.distortions))) : Array<number>(G).fill(0)
      )
      let bonus = actions.map(() => Array<number>(G).fill(0))
      const pert = muPert as number[] | null
      if (pert) {
        const pActions = pert.map((m) => Array.from({ length: G }, () => m + o.sigma * normal()))
        bonus = temporalBonus({
          rankOriginal: rank,
          rankPerturbed: rankRewards(pActions, labels),
          regOriginal: reg,
          regPerturbed: pActions.map((as, i) => as.map((a) => regressionReward(a, labels[i]!)))
        })
      }
      const total = actions.map((as, i) =>
        as.map(
          (_, j) =>
            (on.has('reg') ? reg[i]![j]! : 0) +
            (on.has('rank') ? rank[i]![j]! : 0) +
            (on.has('attribution') && picks[i] ? attr[i]![j]! : 0) +
            (on.has('temporal') ? bonus[i]![j]! : 0)
        )
      )
      const adv = total.map((r) => groupAdvantages(r))

      // 3. The clipped surrogate + β·KL, differentiated by TensorFlow.js.
      const A = tf.tensor2d(adv, [B, G])
      const act = tf.tensor2d(actions, [B, G])
      const refMu = tf.tensor2d(muRef.map((m) => [m]), [B, 1])
      const pickIdx = picks.map((p) => p ?? Array<number>(G).fill(0))
      const hasTag = tf.tensor2d(picks.map((p) => [p ? 1 : 0]), [B, 1])
      const twoVar = 2 * o.sigma * o.sigma
      const oldLogp = tf.tensor2d(
        actions.map((as, i) =>
          as.map((a, j) => {
            const score = -((a - muNow[i]!) ** 2) / twoVar
            const p = picks[i]
            if (!on.has('attribution') || !p) return score
            const sev = (sevNow[rowOf[i]!] ?? []).map((v) => v + 1e-6)
            return score + Math.log(sev[p[j]!]! / sev.reduce((x, y) => x + y, 0))
          })
        ),
        [B, G]
      )
      let klValue = 0
      const { value, grads } = tf.variableGrads(() => {
        const { mu, severities } = batchGraph(head, batch, 'segments')
        const logpScore = tf.neg(tf.div(tf.square(tf.sub(act, tf.expandDims(mu, 1))), twoVar))
        // log p(distortion) on the tagged segment, for clips that have one.
        const sevRows = tf.gather(severities, tf.tensor1d(rowOf, 'int32'))
        const logSev = tf.log(tf.div(tf.add(sevRows, 1e-6), tf.sum(tf.add(sevRows, 1e-6), 1, true)))
        const logpPick = tf.mul(tf.gather(logSev, tf.tensor2d(pickIdx, [B, G], 'int32'), 1, 1), hasTag)
        const logp = on.has('attribution') ? tf.add(logpScore, logpPick) : logpScore
        // On-policy, one inner iteration: the old policy is this one, so the ratio is 1 and carries ∇log p.
        const ratio = tf.exp(tf.sub(logp, oldLogp))
        const surrogate = tf.minimum(tf.mul(ratio, A), tf.mul(tf.clipByValue(ratio, 1 - o.clipEpsilon, 1 + o.clipEpsilon), A))
        const refLogp = tf.neg(tf.div(tf.square(tf.sub(act, refMu)), twoVar))
        const diff = tf.sub(refLogp, logpScore)
        const k3 = tf.sub(tf.sub(tf.exp(diff), diff), 1)
        const kl = tf.mean(k3)
        klValue = kl.dataSync()[0] ?? 0
        return tf.add(tf.neg(tf.mean(surrogate)), tf.mul(kl, o.beta)) as tf.Scalar
      }, head.vars)
      optimizer.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })))
      const loss = value.dataSync()[0] ?? 0
      tf.dispose([value, A, act, refMu, hasTag, oldLogp, ...Object.values(grads)])
      stepNo++
      return {
        step: stepNo,
        epoch,
        loss,
        kl: klValue,
        rewards: { reg: mean(reg.flat()), rank: mean(rank.flat()), temporal: mean(bonus.flat()), attribution: mean(attr.flat()) }
      }
    },
    reseed(seed) {
      random = seededRandom(seed)
      normal = gaussian(random)
    },
    dispose() {
      reference.dispose()
      optimizer.dispose()
    }
  }
}

/** Plain supervised regression of the pooled clip score on the labels: the baseline GRPO is compared with. */
export function createSupervisedTrainer(head: Head, options: Partial<Pick<GrpoOptions, 'learningRate'>> = {}): Trainer {
  const optimizer = tf.train.adam(options.learningRate ?? DEFAULT_GRPO.learningRate)
  let stepNo = 0
  return {
    step(batch, epoch) {
      const y = tf.tensor1d(batch.map((c) => c.label))
      const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(tf.sub(batchGraph(head, batch, 'segments').mu, y))) as tf.Scalar, head.vars)
      optimizer.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })))
      const loss = value.dataSync()[0] ?? 0
      tf.dispose([value, y, ...Object.values(grads)])
      stepNo++
      return { step: stepNo, epoch, loss, kl: 0, rewards: { reg: NaN, rank: NaN, temporal: NaN, attribution: NaN } }
    },
    reseed() {
      // Supervised steps sample nothing.
    },
    dispose() {
      optimizer.dispose()
    }
  }
}

/** Deterministic mini-batches over an epoch. */
export function batches<T>(items: readonly T[], size: number, random: () => number): T[][] {
  const order = items.map((x) => [random(), x] as const).sort((a, b) => a[0] - b[0]).map((p) => p[1])
  const out: T[][] = []
  for (let i = 0; i < order.length; i += size) out.push(order.slice(i, i + size))
  return out
}
