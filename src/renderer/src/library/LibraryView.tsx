import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import type { AppInfo, ClipStatus, Folder, SortKey, TreeNode } from '../../../shared/contract'
import { useApi } from '../api'
import { errorMessage } from '../app/errors'
import { useNotify } from '../app/Notices'
import { useDebouncedValue } from '../app/useDebouncedValue'
import { formatCount } from '../format'
import { basename } from '../paths'
import { ClipTable } from './ClipTable'
import { ConfirmRemove } from './ConfirmRemove'
import { FolderPicker } from './FolderPicker'
import { FolderTree, type Scope } from './FolderTree'
import { buildFolderTree } from './treeModel'
import { LibraryToolbar } from './LibraryToolbar'
import { useClipPages, type ClipFilter } from './useClipPages'

interface LibraryViewProps {
  appInfo: AppInfo | null
  /** Grows on every library change (throttled): folders, tree, codecs and rows refetch. */
  version: number
  /** False while the clip page covers the library; state and scroll position are kept. */
  active: boolean
  onOpenClip(id: number): void
}

export function LibraryView({ appInfo, version, active, onOpenClip }: LibraryViewProps) {
  const api = useApi()
  const notify = useNotify()
  const [folders, setFolders] = useState<Folder[] | null>(null)
  const [tree, setTree] = useState<TreeNode[]>([])
  const [codecs, setCodecs] = useState<string[]>([])
  const [scope, setScope] = useState<Scope | null>(null)
  const [searchText, setSearchText] = useState('')
  const search = useDebouncedValue(searchText.trim(), 200)
  const [status, setStatus] = useState<ClipStatus | ''>('')
  const [codec, setCodec] = useState('')
  const [sort, setSort] = useState<SortKey>('name')
  const [direction, setDirection] = useState<'asc' | 'desc'>('asc')
  const [pickerOpen, setPickerOpen] = useState(false)
  const [removing, setRemoving] = useState<Folder | null>(null)
  const [reloads, setReloads] = useState(0)

  // Folders, tree and codecs come together so the sidebar never shows a tree for a folder list
  // from a different moment.
  useEffect(() => {
    let stale = false
    Promise.all([api.invoke('folders.list', {}), api.invoke('clips.tree', {}), api.invoke('clips.codecs', {})]).then(
      ([f, t, c]) => {
        if (stale) return
        setFolders(f)
        setTree(t)
        setCodecs(c)
      },
      (err: unknown) => {
        if (!stale) notify(`Could not load the library: ${errorMessage(err)}`, 'error')
      }
    )
    return () => {
      stale = true
    }
  }, [api, notify, version, reloads])

  // A scope on a folder that has gone (removed here or elsewhere) falls back to everything.
  useEffect(() => {
    if (scope && folders && !folders.some((f) => f.id === scope.folderId)) setScope(null)
  }, [scope, folders])

  const filter = useMemo<ClipFilter>(() => {
    const f: ClipFilter = { sort, direction }
    if (scope) {
      f.folderId = scope.folderId
      if (scope.dir) f.dir = scope.dir
    }
    if (status) f.status = status
    if (codec) f.codec = codec
    if (search) f.search = search
    return f
  }, [sort, direction, scope, status, codec, search])
  const pages = useClipPages(api, filter, version)
  const resetKey = JSON.stringify(filter)

  const roots = useMemo(() => buildFolderTree(folders ?? [], tree), [folders, tree])
  const totalClips = folders ? folders.reduce((sum, f) => sum + f.clipCount, 0) : null

  const onSort = (key: SortKey): void => {
    if (key === sort) setDirection((d) => (d === 'asc' ? 'desc' : 'asc'))
    else {
      setSort(key)
      setDirection('asc')
    }
  }

  const clearFilters = (): void => {
    setSearchText('')
    setStatus('')
    setCodec('')
  }

  const addPath = useCallback(
    async (path: string): Promise<void> => {
      const { folder } = await api.invoke('folders.add', { path })
      setPickerOpen(false)
      setFolders((list) => (list && !list.some((f) => f.id === folder.id) ? [...list, folder] : list))
      setScope({ folderId: folder.id, dir: '' })
      setReloads((n) => n + 1)
    },
    [api]
  )

  const pickingNative = useRef(false)
  const addFolder = (): void => {
    if (!appInfo?.nativeFolderPicker) {
      setPickerOpen(true)
      return
    }
    if (pickingNative.current) return
    pickingNative.current = true
    api
      .invoke('folders.pickNative', {})
      .then(({ path }) => (path ? addPath(path) : undefined))
      .catch((err: unknown) => notify(`Could not add the folder: ${errorMessage(err)}`, 'error'))
      .finally(() => {
        pickingNative.current = false
      })
  }

  const rescan = (folder: Folder | null): void => {
    api.invoke('folders.rescan', folder ? { id: folder.id } : {}).then(
      ({ jobIds }) => {
        if (jobIds.length === 0) notify(folder ? `${basename(folder.path)} is already being scanned.` : 'Nothing to rescan.')
      },
      (err: unknown) => notify(`Could not start the rescan: ${errorMessage(err)}`, 'error')
    )
  }

  const remove = async (folder: Folder): Promise<void> => {
    try {
      await api.invoke('folders.remove', { id: folder.id })
      setRemoving(null)
      setFolders((list) => list?.filter((f) => f.id !== folder.id) ?? null)
      notify(`Removed ${basename(folder.path)} from the library.`)
      setReloads((n) => n + 1)
    } catch (err) {
      setRemoving(null)
      notify(`Could not remove the folder: ${errorMessage(err)}`, 'error')
    }
  }

  const scopedFolder = scope ? (folders?.find((f) => f.id === scope.folderId) ?? null) : null
  const filtersActive = search !== '' || status !== '' || codec !== ''
  const noFolders = folders !== null && folders.length === 0
  const scopeTitle = scopedFolder ? [basename(scopedFolder.path), ...(scope?.dir ? scope.dir.split('/') : [])] : ['All clips']

  return (
    <div className="library">
      <LibraryToolbar
        searchText={searchText}
        onSearchText={setSearchText}
        status={status}
        onStatus={setStatus}
        codec={codec}
        codecs={codecs}
        onCodec={setCodec}
        onAddFolder={addFolder}
        onRescan={() => rescan(scopedFolder)}
        rescanTitle={scopedFolder ? `Rescan ${basename(scopedFolder.path)}` : 'Rescan all folders'}
        canRescan={(folders?.length ?? 0) > 0}
      />
      <div className="library-body">
        <aside className="sidebar">
          <FolderTree
            roots={roots}
            totalClips={totalClips}
            scope={scope}
            onScope={setScope}
            onRescan={(f) => rescan(f)}
            onRemove={setRemoving}
          />
        </aside>
        <main className="library-main">
          {noFolders ? (
            <EmptyLibrary onAddFolder={addFolder} />
          ) : (
            <>
              <div className="scope-bar">
                <h1 className="scope-title" title={scopedFolder ? scopedFolder.path : undefined}>
                  {scopeTitle.map((part, i) => (
                    <span key={i} className="scope-part">
                      {i > 0 && (
                        <span className="crumb-sep" aria-hidden="true">
                          ›
                        </span>
                      )}
                      {part}
                    </span>
                  ))}
                </h1>
                <span className="clip-count" role="status">
                  {pages.total === null ? 'Loading…' : formatCount(pages.total, 'clip')}
                </span>
              </div>
              <ClipTable
                pages={pages}
                resetKey={resetKey}
                sort={sort}
                direction={direction}
                onSort={onSort}
                onOpen={onOpenClip}
                active={active}
                empty={
                  filtersActive ? (
                    <div className="empty-state compact">
                      <h2>No clips match these filters</h2>
                      <p className="muted">Nothing here matches {describeFilters(search, status, codec)}.</p>
                      <button type="button" className="button" onClick={clearFilters}>
                        Clear filters
                      </button>
                    </div>
                  ) : scope ? (
                    <div className="empty-state compact">
                      <h2>No clips in this folder</h2>
                      <p className="muted">No video files were found here. If a scan is running, they appear as they are read.</p>
                      <button type="button" className="button" onClick={() => setScope(null)}>
                        Show all clips
                      </button>
                    </div>
                  ) : (
                    <div className="empty-state compact">
                      <h2>No clips yet</h2>
                      <p className="muted">
                        Your folders hold no video files that were read so far. Clips appear here while a scan runs.
                      </p>
                    </div>
                  )
                }
              />
            </>
          )}
        </main>
      </div>
      {pickerOpen && <FolderPicker startPath={appInfo?.homeDir} onCancel={() => setPickerOpen(false)} onAdd={addPath} />}
      {removing && <ConfirmRemove folder={removing} onCancel={() => setRemoving(null)} onConfirm={() => remove(removing)} />}
    </div>
  )
}

const STATUS_WORDS: Record<ClipStatus, string> = { ok: 'status OK', error: 'status Error', missing: 'status Missing' }

function describeFilters(search: string, status: ClipStatus | '', codec: string): string {
  const parts: string[] = []
  if (search) parts.push(`“${search}”`)
  if (status) parts.push(STATUS_WORDS[status])
  if (codec) parts.push(`codec ${codec}`)
  return parts.join(' with ')
}

function EmptyLibrary({ onAddFolder }: { onAddFolder(): void }) {
  return (
    <div className="empty-state welcome">
      <svg className="welcome-art" viewBox="0 0 64 48" width="96" height="72" aria-hidden="true" focusable="false">
        <rect x="2" y="8" width="60" height="38" rx="4" fill="none" stroke="currentColor" strokeWidth="2" />
        <path d="M2 14h60" stroke="currentColor" strokeWidth="2" />
        <path d="M27 22v16l13-8-13-8Z" fill="currentColor" />
        <path d="M8 2h14l4 6" fill="none" stroke="currentColor" strokeWidth="2" />
      </svg>
      <h2>Your library is empty</h2>
      <p>
        Add a folder of footage. VQA Inspector finds the video files in it and in every sub-folder, reads their technical details
        (codec, resolution, frame rate, HDR, audio) and keeps them in a local catalogue.
      </p>
      <p className="muted">Your files are only read, never changed or moved.</p>
      <button type="button" className="button primary large" onClick={onAddFolder}>
        Add your first folder
      </button>
    </div>
  )
}
