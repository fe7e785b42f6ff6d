import { useCallback, useEffect, useRef, useState } from 'react'
import type { AppInfo } from '../../../shared/contract'
import { useApi } from '../api'
import { ClipView } from '../clip/ClipView'
import { JobBar } from '../jobs/JobBar'
import { LibraryView } from '../library/LibraryView'
import { ConnectionBanner } from './ConnectionBanner'
import { errorMessage } from './errors'
import { useNotify } from './Notices'
import { navigate, useHashRoute } from './useHashRoute'
import { useLibraryVersion } from './useLibraryVersion'

export function App() {
  const api = useApi()
  const notify = useNotify()
  const route = useHashRoute()
  const version = useLibraryVersion()
  const [appInfo, setAppInfo] = useState<AppInfo | null>(null)

  useEffect(() => {
    api.invoke('app.info', {}).then(setAppInfo, (err: unknown) =>
      notify(`Could not reach VQA Inspector: ${errorMessage(err)}`, 'error')
    )
  }, [api, notify])

  // Whether the clip page was reached from the library in this tab: then "Back" is history's
  // back, so the Back/Forward buttons and the in-app button agree.
  const openedFromLibrary = useRef(false)
  const openClip = useCallback((id: number) => {
    openedFromLibrary.current = true
    navigate({ name: 'clip', id })
  }, [])
  const backToLibrary = useCallback(() => {
    if (openedFromLibrary.current) history.back()
    else navigate({ name: 'library' })
  }, [])
  useEffect(() => {
    if (route.name === 'library') openedFromLibrary.current = false
  }, [route.name])

  const onClip = route.name === 'clip'

  return (
    <div className="app">
      <ConnectionBanner />
      <div className="screens">
        {/* The library stays mounted under the clip page so filters, sort and scroll survive a visit. */}
        <div className={`screen${onClip ? ' covered' : ''}`} inert={onClip} aria-hidden={onClip || undefined}>
          <LibraryView appInfo={appInfo} version={version} active={!onClip} onOpenClip={openClip} />
        </div>
        {route.name === 'clip' && (
          <div className="screen">
            <ClipView key={route.id} id={route.id} version={version} onBack={backToLibrary} />
          </div>
        )}
      </div>
      <JobBar />
    </div>
  )
}
