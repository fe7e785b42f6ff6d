import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react'
import type { Settings } from '../../../shared/contract'
import { useApi } from '../api'
import { errorMessage } from './errors'
import { useNotify } from './Notices'

interface SettingsValue {
  /** null until the core answered. */
  settings: Settings | null
  update(patch: Partial<Settings>): Promise<Settings | null>
}

const SettingsContext = createContext<SettingsValue>({ settings: null, update: async () => null })

export function useSettings(): SettingsValue {
  return useContext(SettingsContext)
}

/** Settings live in the catalog; every window follows changes made in any of them (settings.onDidChange). */
export function SettingsProvider({ children }: { children: ReactNode }) {
  const api = useApi()
  const notify = useNotify()
  const [settings, setSettings] = useState<Settings | null>(null)

  useEffect(() => {
    let stale = false
    api.invoke('settings.get', {}).then(
      (s) => {
        if (!stale) setSettings(s)
      },
      (err: unknown) => notify(`Could not read settings: ${errorMessage(err)}`, 'error')
    )
    const off = api.on('settings.onDidChange', setSettings)
    return () => {
      stale = true
      off()
    }
  }, [api, notify])

  // The theme is an attribute on <html> so the CSS tokens switch in one place; 'system' follows the OS.
  useEffect(() => {
    const theme = settings?.theme ?? 'system'
    if (theme === 'system') delete document.documentElement.dataset['theme']
    else document.documentElement.dataset['theme'] = theme
  }, [settings?.theme])

  const update = useCallback(
    async (patch: Partial<Settings>): Promise<Settings | null> => {
      try {
        const next = await api.invoke('settings.set', patch)
        setSettings(next)
        return next
      } catch (err) {
        notify(`Could not save the setting: ${errorMessage(err)}`, 'error')
        return null
      }
    },
    [api, notify]
  )
  const value = useMemo(() => ({ settings, update }), [settings, update])
  return <SettingsContext.Provider value={value}>{children}</SettingsContext.Provider>
}
