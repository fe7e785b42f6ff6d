import { describe, expect, it } from 'vitest'
import { DEFAULT_VIEWS } from './default-pack'
import { measurementPipelineId } from './pipeline-id'

describe('the measuring pipeline id', () => {
  it('changes with the stages, the views and the segment length, and only with them', () => {
    const stages = [Uint8Array.from([1, 2, 3]), Uint8Array.from([4, 5])]
    const id = measurementPipelineId(stages, DEFAULT_VIEWS, 2)
    expect(measurementPipelineId([Uint8Array.from([1, 2, 3]), Uint8Array.from([4, 5])], DEFAULT_VIEWS, 2)).toBe(id)
    expect(measurementPipelineId([Uint8Array.from([1, 2, 4]), Uint8Array.from([4, 5])], DEFAULT_VIEWS, 2)).not.toBe(id)
    expect(measurementPipelineId(stages, DEFAULT_VIEWS.map((v) => (v.kind === 'resize' ? { ...v, size: [72, 128] as [number, number] } : v)), 2)).not.toBe(id)
    expect(measurementPipelineId(stages, DEFAULT_VIEWS, 4)).not.toBe(id)
  })
})
