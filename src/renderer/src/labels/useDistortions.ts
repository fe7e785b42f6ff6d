import { useEffect, useState } from 'react'
import { useApi } from '../api'

export interface DistortionInfo {
  id: string
  label: string
  description: string
}

/** The active pack's distortions (ids, names, one-line descriptions), following model activation. */
export function useDistortions(): DistortionInfo[] {
  const api = useApi()
  const [list, setList] = useState<DistortionInfo[]>([])
  useEffect(() => {
    let stale = false
    const load = (): void => {
      api.invoke('models.list', {}).then(
        (packs) => {
          if (!stale) setList(packs.find((p) => p.active)?.distortions ?? [])
        },
        () => undefined
      )
    }
    load()
    const off = api.on('settings.onDidChange', load)
    return () => {
      stale = true
      off()
    }
  }, [api])
  return list
}
