/**
 * What the cached training measurements depend on: the stages that read the video and how the sampler cuts the
 * video into their views. A change to any of them (a new measurement graph, a filtergraph fix) must not reuse
 * measurements taken the old way — the head would be trained on inputs that scoring no longer produces.
 */
import { createHash } from 'node:crypto'
import type { View } from '../../shared/model-pack'
import { frameStep, framesPerSegment, samplerFilter } from '../../core/engine/sampler'

/** Pure: an id of the measuring pipeline from the view-reading stages' bytes and the pack's views. */
export function measurementPipelineId(stageFiles: readonly Uint8Array[], views: readonly View[], segmentSeconds: number): string {
  const h = createHash('sha256')
  for (const bytes of stageFiles) h.update(bytes)
  h.update(JSON.stringify(views))
  // The filtergraph for a few typical sources stands for the sampler's behaviour (crop, conversion, HDR, upscaling).
  for (const src of [{ width: 1920, height: 1080, fps: 30 }, { width: 640, height: 360, fps: 25 }, { width: 16, height: 16, fps: 25 }, { width: 3840, height: 2160, fps: 50, hdr: 'PQ' as const }]) {
    const step = frameStep(src.fps, views)
    h.update(samplerFilter(src, views, step, framesPerSegment(src.fps, step, segmentSeconds), '[0:v]', true).graph)
  }
  return h.digest('hex').slice(0, 16)
}
