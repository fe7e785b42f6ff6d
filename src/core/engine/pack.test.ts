import { describe, expect, it } from 'vitest'
import type { Stage } from '../../shared/model-pack'
import { handOverPlan } from './pack'

const stage = (name: string, inputs: Array<[string, string]>): Stage => ({
  name,
  file: `${name}.onnx`,
  inputs: inputs.map(([n, from]) => ({ name: n, from, dtype: 'float32', shape: [1] })),
  outputs: [{ name: 'y', dtype: 'float32', shape: [1] }]
})

describe('handing view tensors to the model', () => {
  it('lets the last stage that reads a view take it, and never hands over a stage output', () => {
    const stages = [
      stage('measure', [['frag', 'view:frag'], ['glob', 'view:glob']]),
      stage('still', [['gray', 'view:still'], ['again', 'view:glob']]),
      stage('head', [['x', 'measure.y'], ['s', 'still.y']])
    ]
    expect(handOverPlan(stages)).toEqual([['frag'], ['gray', 'again'], []])
  })
})
