import { describe, it, expect } from 'vitest'
import { basename, pathCrumbs } from './paths'

describe('basename', () => {
  it('takes the last POSIX segment, ignoring a trailing slash', () => {
    expect(basename('/home/ana/footage')).toBe('footage')
    expect(basename('/home/ana/footage/')).toBe('footage')
  })
  it('keeps roots whole', () => {
    expect(basename('/')).toBe('/')
    expect(basename('C:\\')).toBe('C:')
  })
  it('splits Windows paths on either separator', () => {
    expect(basename('D:\\Shoots\\Day 1')).toBe('Day 1')
    expect(basename('D:/Shoots/Day 2')).toBe('Day 2')
    expect(basename('\\\\nas\\media\\raw')).toBe('raw')
  })
  it('does not split a POSIX name that contains a backslash', () => {
    expect(basename('/tmp/odd\\name')).toBe('odd\\name')
  })
})

describe('pathCrumbs', () => {
  it('builds POSIX crumbs from the root', () => {
    expect(pathCrumbs('/home/ana')).toEqual([
      { label: '/', path: '/' },
      { label: 'home', path: '/home' },
      { label: 'ana', path: '/home/ana' }
    ])
    expect(pathCrumbs('/')).toEqual([{ label: '/', path: '/' }])
  })
  it('builds drive-letter crumbs', () => {
    expect(pathCrumbs('C:\\Users\\ana')).toEqual([
      { label: 'C:\\', path: 'C:\\' },
      { label: 'Users', path: 'C:\\Users' },
      { label: 'ana', path: 'C:\\Users\\ana' }
    ])
  })
  it('treats a UNC share as the root', () => {
    expect(pathCrumbs('\\\\nas\\media\\raw')).toEqual([
      { label: '\\\\nas\\media', path: '\\\\nas\\media\\' },
      { label: 'raw', path: '\\\\nas\\media\\raw' }
    ])
  })
  it('returns nothing for an empty path', () => {
    expect(pathCrumbs('')).toEqual([])
  })
})
