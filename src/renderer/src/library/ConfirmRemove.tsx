import { useState } from 'react'
import type { Folder } from '../../../shared/contract'
import { Modal } from '../app/Modal'
import { formatCount } from '../format'
import { basename } from '../paths'

interface ConfirmRemoveProps {
  folder: Folder
  onCancel(): void
  onConfirm(): Promise<void>
}

export function ConfirmRemove({ folder, onCancel, onConfirm }: ConfirmRemoveProps) {
  const [busy, setBusy] = useState(false)
  const name = basename(folder.path)
  return (
    <Modal label={`Remove ${name}?`} role="alertdialog" className="confirm" onClose={onCancel}>
      <header className="modal-header">
        <h2>Remove “{name}” from the library?</h2>
      </header>
      <p>
        Its {formatCount(folder.clipCount, 'clip')} leave the catalogue. The files on disk are not touched, and you can add the folder
        again later.
      </p>
      <p className="muted path-text">{folder.path}</p>
      <footer className="modal-actions">
        <button type="button" className="button" autoFocus onClick={onCancel}>
          Cancel
        </button>
        <button
          type="button"
          className="button danger"
          disabled={busy}
          onClick={() => {
            setBusy(true)
            onConfirm().finally(() => setBusy(false))
          }}
        >
          Remove folder
        </button>
      </footer>
    </Modal>
  )
}
