import { useState, type MouseEvent } from 'react'
import type { Folder } from '../../../shared/contract'
import { formatCount, formatInteger } from '../format'
import { FolderMenu } from './FolderMenu'
import type { DirNode, FolderRoot } from './treeModel'

/** What the table is narrowed to; null is every clip. */
export interface Scope {
  folderId: number
  dir: string
}

interface FolderTreeProps {
  roots: readonly FolderRoot[]
  /** Null while the first load is under way. */
  totalClips: number | null
  scope: Scope | null
  onScope(scope: Scope | null): void
  onRescan(folder: Folder): void
  onRemove(folder: Folder): void
}

export function FolderTree({ roots, totalClips, scope, onScope, onRescan, onRemove }: FolderTreeProps) {
  // Keys whose expansion differs from the default: folders start open, their sub-folders closed.
  const [toggled, setToggled] = useState<ReadonlySet<string>>(new Set())
  const [menu, setMenu] = useState<{ folder: Folder; x: number; y: number } | null>(null)

  const isExpanded = (node: DirNode): boolean => (node.dir === '') !== toggled.has(node.key)
  const toggle = (key: string): void =>
    setToggled((set) => {
      const next = new Set(set)
      if (!next.delete(key)) next.add(key)
      return next
    })

  const openMenu = (folder: Folder, event: MouseEvent<HTMLElement>): void => {
    event.preventDefault()
    const rect = event.currentTarget.getBoundingClientRect()
    const fromPointer = event.type === 'contextmenu'
    setMenu({ folder, x: fromPointer ? event.clientX : rect.left, y: fromPointer ? event.clientY : rect.bottom + 2 })
  }

  const renderNode = (node: DirNode, level: number, root: FolderRoot) => {
    const expanded = isExpanded(node)
    const selected = scope !== null && scope.folderId === node.folderId && scope.dir === node.dir
    const isRoot = node.dir === ''
    const folder = root.folder
    const title = isRoot ? folder.path : `${folder.path}/${node.dir}`
    return (
      <li key={node.key} className="tree-item">
        <div
          className={`tree-row${selected ? ' selected' : ''}${isRoot && !folder.available ? ' unavailable' : ''}`}
          style={{ paddingInlineStart: 8 + (level - 1) * 14 }}
          onContextMenu={isRoot ? (e) => openMenu(folder, e) : undefined}
        >
          {node.children.length > 0 ? (
            <button
              type="button"
              className="disclosure"
              aria-expanded={expanded}
              aria-label={`${expanded ? 'Collapse' : 'Expand'} ${node.name}`}
              onClick={() => toggle(node.key)}
            >
              <span aria-hidden="true">{expanded ? '▾' : '▸'}</span>
            </button>
          ) : (
            <span className="disclosure-spacer" />
          )}
          <button
            type="button"
            className="tree-select"
            aria-current={selected ? 'true' : undefined}
            title={isRoot && !folder.available ? `${title} — not available (disconnected drive or deleted?)` : title}
            onClick={() => onScope({ folderId: node.folderId, dir: node.dir })}
          >
            <FolderIcon open={expanded && node.children.length > 0} />
            <span className="tree-name">{node.name}</span>
            {isRoot && !folder.available && (
              <span className="tree-flag" role="img" aria-label="unavailable">
                ⚠
              </span>
            )}
            {isRoot && folder.errorCount > 0 && (
              <span className="error-count" aria-label={formatCount(folder.errorCount, 'error')}>
                {formatInteger(folder.errorCount)}
              </span>
            )}
            <span className="tree-count" aria-label={formatCount(isRoot ? folder.clipCount : node.totalCount, 'clip')}>
              {formatInteger(isRoot ? folder.clipCount : node.totalCount)}
            </span>
          </button>
          {isRoot && (
            <button
              type="button"
              className="icon-button folder-actions"
              aria-label={`Folder actions for ${node.name}`}
              aria-haspopup="menu"
              aria-expanded={menu?.folder.id === folder.id}
              title="Folder actions"
              onClick={(e) => openMenu(folder, e)}
            >
              <span aria-hidden="true">⋯</span>
            </button>
          )}
        </div>
        {expanded && node.children.length > 0 && (
          <ul role="group">{node.children.map((child) => renderNode(child, level + 1, root))}</ul>
        )}
      </li>
    )
  }

  return (
    <nav className="folder-tree" aria-label="Folders">
      <h2 className="sidebar-heading">Library</h2>
      <div className={`tree-row all-clips${scope === null ? ' selected' : ''}`}>
        <span className="disclosure-spacer" />
        <button
          type="button"
          className="tree-select"
          aria-current={scope === null ? 'true' : undefined}
          onClick={() => onScope(null)}
        >
          <LibraryIcon />
          <span className="tree-name">All clips</span>
          {totalClips !== null && (
            <span className="tree-count" aria-label={formatCount(totalClips, 'clip')}>
              {formatInteger(totalClips)}
            </span>
          )}
        </button>
      </div>
      <h2 className="sidebar-heading">Folders</h2>
      {roots.length === 0 ? (
        <p className="sidebar-hint">No folders yet.</p>
      ) : (
        <ul className="tree">{roots.map((root) => renderNode(root, 1, root))}</ul>
      )}
      {menu && (
        <FolderMenu
          x={menu.x}
          y={menu.y}
          folderName={menu.folder.path}
          onClose={() => setMenu(null)}
          onRescan={() => onRescan(menu.folder)}
          onRemove={() => onRemove(menu.folder)}
        />
      )}
    </nav>
  )
}

function FolderIcon({ open }: { open: boolean }) {
  return (
    <svg className="tree-icon" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">
      {open ? (
        <path fill="currentColor" d="M1.5 3h4l1.5 1.5h6a1 1 0 0 1 1 1V6H4.2a1 1 0 0 0-.95.68L1.5 12V4a1 1 0 0 1 0-1Zm2.7 4h11.3l-2 6H1.9l2.3-6Z" />
      ) : (
        <path fill="currentColor" d="M1.5 3h4.2l1.5 1.5h7.3a1 1 0 0 1 1 1V13a1 1 0 0 1-1 1h-13a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1Z" />
      )}
    </svg>
  )
}

function LibraryIcon() {
  return (
    <svg className="tree-icon" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">
      <path fill="currentColor" d="M2 2h5v5H2V2Zm7 0h5v5H9V2ZM2 9h5v5H2V9Zm7 0h5v5H9V9Z" />
    </svg>
  )
}
