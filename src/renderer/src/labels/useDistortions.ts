import { useEffect, useMemo, useState } from 'react'
import { distortionName, distortionTitle } from '../../../shared/distortions'
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

export interface DistortionNames {
  distortions: DistortionInfo[]
  /** As a sentence reads it: the pack's label, else the id's words ("color cast"). */
  name: (id: string) => string
  /** As a heading or list entry reads it: first letter capital. */
  title: (id: string) => string
}

/** The active pack's distortions and how to name one of them, or one it does not list (an older pack's). */
export function useDistortionNames(): DistortionNames {
  const distortions = useDistortions()
  return useMemo(() => {
    const labels = new Map(distortions.map((d) => [d.id, d.label]))
    return { distortions, name: (id) => distortionName(id, labels.get(id)), title: (id) => distortionTitle(id, labels.get(id)) }
  }, [distortions])
}
