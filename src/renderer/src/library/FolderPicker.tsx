import { useEffect, useState, type FormEvent } from 'react'
import type { DirListing } from '../../../shared/contract'
import { useApi } from '../api'
import { errorMessage } from '../app/errors'
import { Modal } from '../app/Modal'
import { formatCount } from '../format'
import { pathCrumbs } from '../paths'

interface FolderPickerProps {
  /** Where browsing starts; undefined lets the core choose (its home directory). */
  startPath: string | undefined
  onCancel(): void
  /** Rejects with a message to show in the dialog (e.g. the folder is already in the library). */
  onAdd(path: string): Promise<void>
  /** The dialog's title and its button (default: adding a library folder). */
  title?: string
  actionLabel?: string
}

/**
 * Browse the core's file system to pick a folder: browser mode has no native dialog, and the
 * browser's own picker would only show the machine the browser runs on.
 */
export function FolderPicker({ startPath, onCancel, onAdd, title = 'Choose a folder', actionLabel = 'Add this folder' }: FolderPickerProps) {
  const api = useApi()
  const [target, setTarget] = useState<{ path: string | undefined }>({ path: startPath })
  const [listing, setListing] = useState<DirListing | null>(null)
  const [pathText, setPathText] = useState(startPath ?? '')
  const [browseError, setBrowseError] = useState<string | null>(null)
  const [loading, setLoading] = useState(true)
  const [adding, setAdding] = useState(false)
  const [addError, setAddError] = useState<string | null>(null)

  useEffect(() => {
    let stale = false
    setLoading(true)
    api.invoke('fs.browse', target.path === undefined ? {} : { path: target.path }).then(
      (result) => {
        if (stale) return
        setListing(result)
        setPathText(result.path)
        setBrowseError(null)
        setLoading(false)
      },
      (err: unknown) => {
        if (stale) return
        setBrowseError(errorMessage(err))
        setLoading(false)
      }
    )
    return () => {
      stale = true
    }
  }, [api, target])

  const go = (path: string): void => {
    setAddError(null)
    // Loading from this very render on, not only from the effect's: in between, "Add this folder" was still
    // enabled on the folder being left, so a quick click after Go could add that one (the home folder, in an e2e
    // run on a loaded machine where no clip appeared and every later step timed out).
    setLoading(true)
    setTarget({ path })
  }

  const submitPath = (event: FormEvent): void => {
    event.preventDefault()
    const path = pathText.trim()
    if (path) go(path)
  }

  const add = (): void => {
    if (!listing) return
    setAdding(true)
    setAddError(null)
    onAdd(listing.path).catch((err: unknown) => {
      setAddError(errorMessage(err))
      setAdding(false)
    })
  }

  const error = browseError ?? listing?.error ?? null
  // Not after a failed browse either: the listing shown would still be the folder being left.
  const canAdd = listing !== null && listing.error === null && browseError === null && !loading && !adding

  return (
    <Modal label={title} className="picker" onClose={onCancel}>
      <header className="modal-header">
        <h2>{title}</h2>
        <p className="muted">Pick the folder that holds your footage. Everything below it is scanned; nothing is changed on disk.</p>
      </header>

      <nav className="breadcrumb" aria-label="Path">
        {listing &&
          pathCrumbs(listing.path).map((crumb, i, all) => (
            <span key={crumb.path} className="crumb">
              {i > 0 && (
                <span className="crumb-sep" aria-hidden="true">
                  ›
                </span>
              )}
              <button
                type="button"
                className="crumb-button"
                aria-current={i === all.length - 1 ? 'location' : undefined}
                onClick={() => go(crumb.path)}
              >
                {crumb.label}
              </button>
            </span>
          ))}
      </nav>

      <form className="path-form" onSubmit={submitPath}>
        <input
          type="text"
          className="text-input"
          aria-label="Folder path"
          spellCheck={false}
          autoComplete="off"
          value={pathText}
          onChange={(e) => setPathText(e.target.value)}
        />
        <button type="submit" className="button">
          Go
        </button>
      </form>

      <div className="picker-list" aria-busy={loading}>
        <ul aria-label="Subfolders">
          {listing?.parent != null && (
            <li>
              <button type="button" className="dir-button" aria-label="Parent folder (..)" onClick={() => listing.parent && go(listing.parent)}>
                <span className="dir-icon" aria-hidden="true">
                  ↰
                </span>
                ..
              </button>
            </li>
          )}
          {listing?.entries.map((entry) => (
            <li key={entry.path}>
              <button type="button" className="dir-button" onClick={() => go(entry.path)}>
                <span className="dir-icon" aria-hidden="true">
                  ▸
                </span>
                {entry.name}
              </button>
            </li>
          ))}
          {listing && listing.entries.length === 0 && !listing.error && <li className="muted picker-empty">No sub-folders</li>}
        </ul>
      </div>

      <div className="picker-status">
        {error ? (
          <p role="alert" className="error-text">
            {error}
          </p>
        ) : (
          listing && (
            <p className="muted" role="status">
              {listing.videoFileCount > 0
                ? `${formatCount(listing.videoFileCount, 'video file')} directly in this folder`
                : 'No video files directly in this folder'}
            </p>
          )
        )}
        {addError && (
          <p role="alert" className="error-text">
            {addError}
          </p>
        )}
      </div>

      <footer className="modal-actions">
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className="button primary" disabled={!canAdd} onClick={add}>
          {actionLabel}
        </button>
      </footer>
    </Modal>
  )
}
