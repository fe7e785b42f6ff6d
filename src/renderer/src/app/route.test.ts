import { describe, it, expect } from 'vitest'
import { parseRoute, routeHash, type Route } from './route'

describe('parseRoute', () => {
  it('reads a clip id', () => {
    expect(parseRoute('#/clip/123')).toEqual({ name: 'clip', id: 123 })
    expect(parseRoute('#/clip/7/')).toEqual({ name: 'clip', id: 7 })
  })
  it('reads the other pages', () => {
    expect(parseRoute('#/review')).toEqual({ name: 'review' })
    expect(parseRoute('#/review/9')).toEqual({ name: 'review', id: 9 })
    expect(parseRoute('#/labels')).toEqual({ name: 'labels' })
    expect(parseRoute('#/insights/')).toEqual({ name: 'insights' })
    expect(parseRoute('#/settings')).toEqual({ name: 'settings' })
  })
  it('falls back to the library for anything else', () => {
    for (const hash of ['', '#', '#/', '#/clip/', '#/clip/0', '#/clip/-1', '#/clip/abc', '#/clip/1x', '#/other', '#/review/0x']) {
      expect(parseRoute(hash)).toEqual({ name: 'library' })
    }
  })
  it('round-trips', () => {
    const routes: Route[] = [
      { name: 'clip', id: 42 },
      { name: 'review', id: 3 },
      { name: 'review' },
      { name: 'labels' },
      { name: 'insights' },
      { name: 'training' },
      { name: 'settings' },
      { name: 'library' }
    ]
    for (const r of routes) expect(parseRoute(routeHash(r))).toEqual(r)
    expect(routeHash({ name: 'library' })).toBe('#/')
  })
})
