import { describe, it, expect } from 'vitest'
import { pagesForRange, pagesToEvict } from './pageWindow'

describe('pagesForRange', () => {
  it('covers the visible rows', () => {
    expect(pagesForRange(0, 20, 1000)).toEqual([0])
    expect(pagesForRange(95, 130, 1000)).toEqual([0, 1])
    expect(pagesForRange(250, 260, 1000)).toEqual([2])
  })
  it('widens by the prefetch margin and clamps to the total', () => {
    expect(pagesForRange(120, 150, 1000, 50)).toEqual([0, 1, 2])
    expect(pagesForRange(0, 20, 1000, 50)).toEqual([0])
    expect(pagesForRange(980, 999, 1000, 50)).toEqual([9])
    expect(pagesForRange(0, 40, 30, 50)).toEqual([0])
  })
  it('needs nothing for an empty list', () => {
    expect(pagesForRange(0, 10, 0)).toEqual([])
    expect(pagesForRange(5, 4, 100)).toEqual([])
  })
  it('honours another page size', () => {
    expect(pagesForRange(0, 25, 100, 0, 10)).toEqual([0, 1, 2])
  })
})

describe('pagesToEvict', () => {
  it('keeps everything under the cap', () => {
    expect(pagesToEvict([1, 2, 3], 2, 5)).toEqual([])
  })
  it('drops the pages farthest from the centre', () => {
    expect(pagesToEvict([0, 1, 2, 3, 10, 50], 2, 4).sort((a, b) => a - b)).toEqual([10, 50])
  })
})
