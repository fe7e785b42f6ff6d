import { describe, expect, it } from 'vitest'
import { formatOfFile } from './describe'

describe('formatOfFile', () => {
  it('tells the label format from the file name', () => {
    expect(formatOfFile('train.JSONL')).toBe('jsonl')
    expect(formatOfFile('KoNViD_meta.json')).toBe('meta-json')
    expect(formatOfFile('results.csv')).toBe('csv')
    expect(formatOfFile('notes.txt')).toBeNull()
  })
})
