import { describe, it, expect } from 'vitest'
import { parseRoute, routeHash } from './route'

describe('parseRoute', () => {
  it('reads a clip id', () => {
    expect(parseRoute('#/clip/123')).toEqual({ name: 'clip', id: 123 })
    expect(parseRoute('#/clip/7/')).toEqual({ name: 'clip', id: 7 })
  })
  it('falls back to the library for anything else', () => {
    for (const hash of ['', '#', '#/', '#/clip/', '#/clip/0', '#/clip/-1', '#/clip/abc', '#/clip/1x', '#/other']) {
      expect(parseRoute(hash)).toEqual({ name: 'library' })
    }
  })
  it('round-trips', () => {
    expect(parseRoute(routeHash({ name: 'clip', id: 42 }))).toEqual({ name: 'clip', id: 42 })
    expect(routeHash({ name: 'library' })).toBe('#/')
  })
})
