import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react'
import { basename } from '../paths'

interface FolderMenuProps {
  x: number
  y: number
  folderName: string
  onClose(): void
  onRescan(): void
  onRemove(): void
}

/** The per-folder context menu (right-click or the ⋯ button), keyboard-operable like a native one. */
export function FolderMenu({ x, y, folderName, onClose, onRescan, onRemove }: FolderMenuProps) {
  const ref = useRef<HTMLDivElement>(null)
  const [position, setPosition] = useState({ left: x, top: y })

  // Keep the menu inside the window when opened near an edge.
  useLayoutEffect(() => {
    const el = ref.current
    if (!el) return
    const { width, height } = el.getBoundingClientRect()
    setPosition({
      left: Math.max(4, Math.min(x, window.innerWidth - width - 4)),
      top: Math.max(4, Math.min(y, window.innerHeight - height - 4))
    })
    el.querySelector<HTMLElement>('[role="menuitem"]')?.focus()
  }, [x, y])

  useEffect(() => {
    const onPointer = (event: PointerEvent): void => {
      if (event.target instanceof Node && ref.current?.contains(event.target)) return
      onClose()
    }
    const onBlur = (): void => onClose()
    window.addEventListener('pointerdown', onPointer, true)
    window.addEventListener('blur', onBlur)
    return () => {
      window.removeEventListener('pointerdown', onPointer, true)
      window.removeEventListener('blur', onBlur)
    }
  }, [onClose])

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    const items = [...(ref.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])]
    const at = items.indexOf(document.activeElement as HTMLElement)
    if (event.key === 'Escape' || event.key === 'Tab') {
      event.preventDefault()
      onClose()
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault()
      const step = event.key === 'ArrowDown' ? 1 : -1
      items[(at + step + items.length) % items.length]?.focus()
    }
  }

  const choose = (action: () => void) => () => {
    onClose()
    action()
  }

  return (
    <div
      ref={ref}
      role="menu"
      aria-label={`Actions for ${basename(folderName)}`}
      className="menu"
      style={{ left: position.left, top: position.top }}
      onKeyDown={onKeyDown}
    >
      <button type="button" role="menuitem" tabIndex={-1} className="menu-item" onClick={choose(onRescan)}>
        Rescan folder
      </button>
      <div role="separator" className="menu-separator" />
      <button type="button" role="menuitem" tabIndex={-1} className="menu-item danger" onClick={choose(onRemove)}>
        Remove folder…
      </button>
    </div>
  )
}
