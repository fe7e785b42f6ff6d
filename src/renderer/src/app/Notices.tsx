import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react'

export type NoticeKind = 'info' | 'error'
interface Notice {
  id: number
  kind: NoticeKind
  message: string
}

type Notify = (message: string, kind?: NoticeKind) => void
const NotifyContext = createContext<Notify>(() => undefined)

export function useNotify(): Notify {
  return useContext(NotifyContext)
}

const LIFETIME_MS = 7000

/** Short-lived messages for things that happened out of sight: a failed rescan, a removed folder. */
export function NoticesProvider({ children }: { children: ReactNode }) {
  const [notices, setNotices] = useState<Notice[]>([])
  const nextId = useRef(1)

  const dismiss = useCallback((id: number) => setNotices((list) => list.filter((n) => n.id !== id)), [])
  const notify = useCallback<Notify>(
    (message, kind = 'info') => {
      const id = nextId.current++
      // Keep the last few: a burst of identical failures should not wallpaper the window.
      setNotices((list) => [...list.filter((n) => n.message !== message), { id, kind, message }].slice(-4))
      setTimeout(() => dismiss(id), LIFETIME_MS)
    },
    [dismiss]
  )
  const value = useMemo(() => notify, [notify])

  return (
    <NotifyContext.Provider value={value}>
      {children}
      <div className="notices" aria-live="polite">
        {notices.map((n) => (
          <div key={n.id} className={`notice notice-${n.kind}`} role={n.kind === 'error' ? 'alert' : 'status'}>
            <span className="notice-text">{n.message}</span>
            <button type="button" className="icon-button" aria-label="Dismiss message" onClick={() => dismiss(n.id)}>
              ×
            </button>
          </div>
        ))}
      </div>
    </NotifyContext.Provider>
  )
}
