import { useEffect, useRef, type ReactNode } from 'react'

interface ModalProps {
  label: string
  role?: 'dialog' | 'alertdialog'
  className?: string
  onClose(): void
  children: ReactNode
}

/**
 * A native <dialog> opened with showModal(): the browser supplies the focus trap, Escape,
 * the backdrop and inertness of the page behind it.
 */
export function Modal({ label, role = 'dialog', className, onClose, children }: ModalProps) {
  const ref = useRef<HTMLDialogElement>(null)
  const onCloseRef = useRef(onClose)
  useEffect(() => {
    onCloseRef.current = onClose
  })

  useEffect(() => {
    const dialog = ref.current
    if (!dialog) return
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null
    dialog.showModal()
    return () => {
      dialog.close()
      previous?.focus()
    }
  }, [])

  return (
    <dialog
      ref={ref}
      role={role}
      aria-label={label}
      aria-modal="true"
      className={`modal ${className ?? ''}`}
      onCancel={(event) => {
        // Escape: let React own closing so state and DOM agree.
        event.preventDefault()
        onCloseRef.current()
      }}
    >
      {children}
    </dialog>
  )
}
