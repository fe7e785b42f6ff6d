/**
 * The temporal-consistency reward's perturbed copies, made for real: the clip's own frames are decoded once, each
 * segment's frame sequence is reordered by one of the six perturbation modes (or frames blanked), and the pack's
 * measurement stages measure the result — so the reward asks the head to prefer the coherent sequence it actually
 * saw. Done once per clip before training (its cost is a decode), not per step.
 */
import { viewTensor } from '../engine/analyze'
import { trainableInputs, type LoadedPack } from '../engine/pack'
import { sampleSegments, type SourceGeometry } from '../engine/sampler'
import type { TensorIn } from '../engine/ort'
import { PERTURBATIONS, perturbOrder, seededRandom, type Perturbation } from './rewards'

/** Pure: a perturbed frame list; index −1 becomes a black frame of the same size. */
export function reorderFrames(frames: readonly Uint8Array[], order: readonly number[]): Uint8Array[] {
  return order.map((i) => (i >= 0 && frames[i] ? frames[i] : new Uint8Array(frames[0]?.length ?? 0)))
}

export interface PerturbedClip {
  mode: Perturbation
  /** The head's inputs per segment for the perturbed copy; null for a segment that could not be measured. */
  segments: Array<number[] | null>
}

/** Draws one mode uniformly per clip (as the seed does), decodes the clip and measures the perturbed segments. */
export async function measurePerturbed(
  pack: LoadedPack,
  ffmpeg: string,
  file: string,
  geometry: SourceGeometry,
  segmentSeconds: number,
  seed: number,
  signal?: AbortSignal
): Promise<PerturbedClip> {
  const random = seededRandom(seed)
  const mode = PERTURBATIONS[Math.floor(random() * PERTURBATIONS.length)]!
  const segments: Array<number[] | null> = []
  await sampleSegments(
    ffmpeg,
    file,
    geometry,
    pack.manifest.views,
    segmentSeconds,
    async (seg) => {
      const feeds: Record<string, TensorIn> = {}
      for (const view of pack.manifest.views) {
        const frames = seg.frames[view.name] ?? []
        // Single-frame views (a still for BRISQUE) have no order to perturb.
        const order = frames.length > 1 ? perturbOrder(mode, frames.length, random) : frames.map((_, i) => i)
        feeds[view.name] = viewTensor(view, reorderFrames(frames, order), pack.buffers)
      }
      const inputs = trainableInputs(pack.manifest, await pack.run(feeds))
      segments[seg.index] = inputs ? Array.from(inputs) : null
    },
    signal ? { signal, threads: 1 } : { threads: 1 }
  )
  return { mode, segments }
}
