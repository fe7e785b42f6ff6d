import type { Folder, TreeNode } from '../../../shared/contract'
import { basename } from '../paths'

export interface DirNode {
  /** Stable across refreshes, so expansion state survives a rescan. */
  key: string
  folderId: number
  /** Relative to the folder, '/'-separated; '' is the folder itself. */
  dir: string
  name: string
  /** Clips directly in this dir. */
  ownCount: number
  /** Clips in this dir and everything below it: what a filter on it shows. */
  totalCount: number
  children: DirNode[]
}

export interface FolderRoot extends DirNode {
  folder: Folder
}

export const nodeKey = (folderId: number, dir: string): string => `${folderId}:${dir}`

const byName = new Intl.Collator('en', { numeric: true, sensitivity: 'base' })

/**
 * Nests the flat `clips.tree` rows under their folders. Directories that hold no clips
 * themselves (only sub-folders do) have no row of their own, so they are created on the way.
 * A node's `clipCount` is taken to count the clips directly in it; totals are summed here.
 */
export function buildFolderTree(folders: readonly Folder[], nodes: readonly TreeNode[]): FolderRoot[] {
  const roots = new Map<number, FolderRoot>()
  const index = new Map<string, DirNode>()
  for (const folder of folders) {
    const root: FolderRoot = {
      key: nodeKey(folder.id, ''),
      folderId: folder.id,
      dir: '',
      name: basename(folder.path),
      ownCount: 0,
      totalCount: 0,
      children: [],
      folder
    }
    roots.set(folder.id, root)
    index.set(root.key, root)
  }

  const ensure = (folderId: number, dir: string): DirNode | undefined => {
    const key = nodeKey(folderId, dir)
    const existing = index.get(key)
    if (existing) return existing
    // A folder's root exists up front or not at all: nodes of an unknown folder are dropped.
    if (dir === '') return undefined
    const cut = dir.lastIndexOf('/')
    const parent = ensure(folderId, cut < 0 ? '' : dir.slice(0, cut))
    if (!parent) return undefined
    const node: DirNode = {
      key,
      folderId,
      dir,
      name: cut < 0 ? dir : dir.slice(cut + 1),
      ownCount: 0,
      totalCount: 0,
      children: []
    }
    parent.children.push(node)
    index.set(key, node)
    return node
  }

  for (const n of nodes) {
    // Tolerate stray separators so "a//b/" and "a/b" are the same place.
    const dir = n.dir.split('/').filter((s) => s !== '').join('/')
    const node = ensure(n.folderId, dir)
    if (node) node.ownCount += n.clipCount
  }

  const finish = (node: DirNode): number => {
    node.children.sort((a, b) => byName.compare(a.name, b.name))
    node.totalCount = node.ownCount + node.children.reduce((sum, c) => sum + finish(c), 0)
    return node.totalCount
  }
  for (const root of roots.values()) finish(root)

  return [...roots.values()].sort(
    (a, b) => byName.compare(a.name, b.name) || byName.compare(a.folder.path, b.folder.path)
  )
}
