import { describe, expect, it } from 'vitest'
import { beforeAfterTable, formatFromPath, parseScale } from './train-command'

describe('vqa train / labels helpers', () => {
  it('tell the label format and read a scale', () => {
    expect(formatFromPath('a/train.jsonl')).toBe('jsonl')
    expect(formatFromPath('KoNViD.json')).toBe('meta-json')
    expect(formatFromPath('x.txt', 'csv')).toBe('csv')
    expect(formatFromPath('x.txt')).toBeNull()
    expect(parseScale('0,100')).toEqual({ min: 0, max: 100 })
    expect(parseScale(' 1 : 5 ')).toEqual({ min: 1, max: 5 })
    expect(parseScale('5,1')).toBeNull()
    expect(parseScale(undefined)).toBeUndefined()
  })
  it('prints before and after side by side', () => {
    const e = (srcc: number) => ({ srcc, plcc: 0.5, rmse: 0.7, points: [] })
    const t = beforeAfterTable({ before: e(0.1), after: e(0.62), validationClips: 6, trainClips: 20, modelVersion: 'vqa-default 1.0.0-ft.1', packDir: '/m' })
    expect(t).toContain('  SRCC    0.100   0.620')
    expect(t).toContain('New model version: vqa-default 1.0.0-ft.1')
  })
})
