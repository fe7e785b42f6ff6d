import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import type { AppInfo, Folder, SavedView, SortKey, TreeNode } from '../../../shared/contract'
import { Modal } from '../app/Modal'
import { useApi } from '../api'
import { errorMessage } from '../app/errors'
import { useNotify } from '../app/Notices'
import { useDebouncedValue } from '../app/useDebouncedValue'
import { formatCount } from '../format'
import { basename } from '../paths'
import { useDistortionNames } from '../labels/useDistortions'
import { ClipTable } from './ClipTable'
import { ConfirmRemove } from './ConfirmRemove'
import { FolderPicker } from './FolderPicker'
import { FolderTree, type Scope } from './FolderTree'
import { buildFolderTree } from './treeModel'
import { describeFilters, filterQuery, NO_FILTERS, viewFromQuery, type LibraryFilters } from './filters'
import { LibraryToolbar } from './LibraryToolbar'
import { useClipPages } from './useClipPages'

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
  const [filterState, setFilterState] = useState<LibraryFilters>(NO_FILTERS)
  // The distortion filter and the Issues column name the active pack's distortions by their labels.
  const { distortions, title: distortionLabel } = useDistortionNames()
  const [models, setModels] = useState<Array<{ id: number; model: string }>>([])
  const [views, setViews] = useState<SavedView[]>([])
  const [savingView, setSavingView] = useState(false)
  const [sort, setSort] = useState<SortKey>('name')
  const [direction, setDirection] = useState<'asc' | 'desc'>('asc')
  const [pickerOpen, setPickerOpen] = useState(false)
  const [removing, setRemoving] = useState<Folder | null>(null)
  const [reloads, setReloads] = useState(0)

  // Folders, tree and codecs come together so the sidebar never shows a tree for a folder list
  // from a different moment.
  useEffect(() => {
    let stale = false
    Promise.all([
      api.invoke('folders.list', {}),
      api.invoke('clips.tree', {}),
      api.invoke('clips.codecs', {}),
      api.invoke('scores.models', {}),
      api.invoke('views.list', {})
    ]).then(
      ([f, t, c, m, v]) => {
        if (stale) return
        setFolders(f)
        setTree(t)
        setCodecs(c)
        setModels(m)
        setViews(v)
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

  const filters = useMemo<LibraryFilters>(() => ({ ...filterState, search }), [filterState, search])
  const filter = useMemo(() => filterQuery(filters, scope, sort, direction), [filters, scope, sort, direction])
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
    setFilterState(NO_FILTERS)
  }

  const applyView = (view: SavedView): void => {
    const v = viewFromQuery(view.query)
    setFilterState(v.filters)
    setSearchText(v.filters.search)
    setSort(v.sort)
    setDirection(v.direction)
    setScope(v.scope && folders?.some((f) => f.id === v.scope?.folderId) ? v.scope : null)
    notify(`Showing “${view.name}”.`)
  }

  const saveView = async (name: string): Promise<void> => {
    try {
      const v = await api.invoke('views.save', { name, query: { filters, sort, direction, scope } })
      setViews((list) => [...list.filter((x) => x.id !== v.id && x.name !== v.name), v].sort((a, b) => a.name.localeCompare(b.name)))
      setSavingView(false)
      notify(`Saved the view “${v.name}”.`)
    } catch (err) {
      notify(`Could not save the view: ${errorMessage(err)}`, 'error')
    }
  }

  const deleteView = (view: SavedView): void => {
    api.invoke('views.delete', { id: view.id }).then(
      () => setViews((list) => list.filter((v) => v.id !== view.id)),
      (err: unknown) => notify(`Could not delete the view: ${errorMessage(err)}`, 'error')
    )
  }

  const score = (folder: Folder | null): void => {
    api.invoke('scores.start', folder ? { scope: 'folder', folderId: folder.id } : { scope: 'unscored' }).then(
      ({ clips }) => {
        if (clips === 0) notify(folder ? `Every readable clip in ${basename(folder.path)} is already scored with this model.` : 'Every readable clip is already scored.')
      },
      (err: unknown) => notify(`Could not start scoring: ${errorMessage(err)}`, 'error')
    )
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
  const filtersActive = describeFilters(filters) !== ''
  const noFolders = folders !== null && folders.length === 0
  const scopeTitle = scopedFolder ? [basename(scopedFolder.path), ...(scope?.dir ? scope.dir.split('/') : [])] : ['All clips']

  return (
    <div className="library">
      <LibraryToolbar
        searchText={searchText}
        onSearchText={setSearchText}
        filters={filterState}
        onFilters={(patch) => setFilterState((f) => ({ ...f, ...patch }))}
        onClearFilters={clearFilters}
        codecs={codecs}
        distortions={distortions}
        models={models}
        views={views}
        onApplyView={applyView}
        onSaveView={() => setSavingView(true)}
        onDeleteView={deleteView}
        onAddFolder={addFolder}
        onRescan={() => rescan(scopedFolder)}
        rescanTitle={scopedFolder ? `Rescan ${basename(scopedFolder.path)}` : 'Rescan all folders'}
        canRescan={(folders?.length ?? 0) > 0}
        onScore={() => score(scopedFolder)}
        scoreTitle={scopedFolder ? `Score every clip in ${basename(scopedFolder.path)} not yet scored with the active model` : 'Score every clip not yet scored'}
        canScore={(totalClips ?? 0) > 0}
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
                distortionLabel={distortionLabel}
                empty={
                  filtersActive ? (
                    <div className="empty-state compact">
                      <h2>No clips match these filters</h2>
                      <p className="muted">Nothing here matches {describeFilters(filters, distortionLabel)}.</p>
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
      {savingView && <SaveViewDialog existing={views} onCancel={() => setSavingView(false)} onSave={saveView} />}
    </div>
  )
}

function SaveViewDialog({ existing, onCancel, onSave }: { existing: readonly SavedView[]; onCancel(): void; onSave(name: string): Promise<void> }) {
  const [name, setName] = useState('')
  const trimmed = name.trim()
  const replaces = existing.some((v) => v.name === trimmed)
  return (
    <Modal label="Save view" onClose={onCancel}>
      <form
        onSubmit={(e) => {
          e.preventDefault()
          if (trimmed) void onSave(trimmed)
        }}
      >
        <header className="modal-header">
          <h2>Save this view</h2>
        </header>
        <p className="muted">The filters, sort order and folder are saved under a name, to come back to in one click.</p>
        <label className="field">
          <span>Name</span>
          <input className="text-input" autoFocus maxLength={100} value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. Flagged noise in day 1" />
        </label>
        {replaces && <p className="muted">A view with this name exists; saving replaces it.</p>}
        <footer className="modal-actions">
          <button type="button" className="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="button primary" disabled={!trimmed}>
            Save view
          </button>
        </footer>
      </form>
    </Modal>
  )
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
