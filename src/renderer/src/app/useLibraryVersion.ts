import { useEffect, useRef, useState } from 'react'
import { useApi, useConnectionState } from '../api'

/** A scan reports a change per batch; views refetch at most this often. */
const THROTTLE_MS = 750

/**
 * A number that grows whenever the library changed: views put it in their effect dependencies
 * and refetch. Throttled (first change at once, then at most one per THROTTLE_MS, the last one
 * never lost), and bumped after a reconnect since events may have been missed meanwhile.
 */
export function useLibraryVersion(): number {
  const api = useApi()
  const connection = useConnectionState()
  const [version, setVersion] = useState(0)
  const lastBump = useRef(0)
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null)

  useEffect(() => {
    const bump = (): void => {
      timer.current = null
      lastBump.current = Date.now()
      setVersion((v) => v + 1)
    }
    const off = api.on('library.onDidChange', () => {
      if (timer.current) return
      const wait = lastBump.current + THROTTLE_MS - Date.now()
      if (wait <= 0) bump()
      else timer.current = setTimeout(bump, wait)
    })
    return () => {
      off()
      if (timer.current) clearTimeout(timer.current)
      timer.current = null
    }
  }, [api])

  const wasDown = useRef(false)
  useEffect(() => {
    if (connection === 'reconnecting') wasDown.current = true
    else if (connection === 'open' && wasDown.current) {
      wasDown.current = false
      setVersion((v) => v + 1)
    }
  }, [connection])

  return version
}
