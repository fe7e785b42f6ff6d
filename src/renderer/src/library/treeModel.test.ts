import { describe, it, expect } from 'vitest'
import type { Folder } from '../../../shared/contract'
import { buildFolderTree } from './treeModel'

const folder = (id: number, path: string, clipCount = 0): Folder => ({
  id,
  path,
  addedAt: 0,
  lastScanAt: null,
  clipCount,
  errorCount: 0,
  available: true
})

describe('buildFolderTree', () => {
  it('nests dirs under their folder and sums counts upwards', () => {
    const [root] = buildFolderTree(
      [folder(1, '/media/shoot')],
      [
        { folderId: 1, dir: '', clipCount: 2 },
        { folderId: 1, dir: 'day1', clipCount: 3 },
        { folderId: 1, dir: 'day1/cam-a', clipCount: 4 }
      ]
    )
    expect(root?.name).toBe('shoot')
    expect(root?.ownCount).toBe(2)
    expect(root?.totalCount).toBe(9)
    const day1 = root?.children[0]
    expect(day1?.name).toBe('day1')
    expect(day1?.totalCount).toBe(7)
    expect(day1?.children[0]).toMatchObject({ dir: 'day1/cam-a', name: 'cam-a', totalCount: 4 })
  })

  it('creates intermediate dirs that hold no clips themselves', () => {
    const [root] = buildFolderTree([folder(1, '/x')], [{ folderId: 1, dir: 'a/b/c', clipCount: 5 }])
    const a = root?.children[0]
    const b = a?.children[0]
    expect(a).toMatchObject({ dir: 'a', ownCount: 0, totalCount: 5 })
    expect(b).toMatchObject({ dir: 'a/b', ownCount: 0, totalCount: 5 })
    expect(b?.children[0]).toMatchObject({ dir: 'a/b/c', ownCount: 5 })
  })

  it('keeps folders without clips and ignores nodes of unknown folders', () => {
    const roots = buildFolderTree([folder(2, '/b'), folder(1, '/a')], [{ folderId: 9, dir: 'x', clipCount: 1 }])
    expect(roots.map((r) => r.name)).toEqual(['a', 'b'])
    expect(roots.every((r) => r.totalCount === 0 && r.children.length === 0)).toBe(true)
  })

  it('sorts children naturally', () => {
    const [root] = buildFolderTree(
      [folder(1, '/x')],
      ['day10', 'day2', 'Day1'].map((dir) => ({ folderId: 1, dir, clipCount: 1 }))
    )
    expect(root?.children.map((c) => c.name)).toEqual(['Day1', 'day2', 'day10'])
  })

  it('treats stray separators as the same dir', () => {
    const [root] = buildFolderTree(
      [folder(1, '/x')],
      [
        { folderId: 1, dir: 'a/b', clipCount: 1 },
        { folderId: 1, dir: 'a//b/', clipCount: 2 }
      ]
    )
    expect(root?.children[0]?.children).toHaveLength(1)
    expect(root?.children[0]?.children[0]?.ownCount).toBe(3)
  })
})
