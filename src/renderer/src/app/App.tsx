import { lazy, Suspense, useCallback, useEffect, useRef, useState } from 'react'
import type { AppInfo } from '../../../shared/contract'
import { useApi } from '../api'
import { ClipView } from '../clip/ClipView'
import { JobBar } from '../jobs/JobBar'
import { LabelsView } from '../labels/LabelsView'
import { LibraryView } from '../library/LibraryView'
import { ReviewView } from '../review/ReviewView'
import { SettingsView } from '../settings/SettingsView'
import { AppNav } from './AppNav'
import { ConnectionBanner } from './ConnectionBanner'
import { errorMessage } from './errors'
import { useNotify } from './Notices'
import { navigate, useHashRoute } from './useHashRoute'
import { useLibraryVersion } from './useLibraryVersion'

// The two chart pages carry the charting library: loaded when first opened, so the library opens without it.
const InsightsView = lazy(() => import('../insights/InsightsView').then((m) => ({ default: m.InsightsView })))
const TrainingView = lazy(() => import('../training/TrainingView').then((m) => ({ default: m.TrainingView })))

export function App() {
  const api = useApi()
  const notify = useNotify()
  const route = useHashRoute()
  const version = useLibraryVersion()
  const [appInfo, setAppInfo] = useState<AppInfo | null>(null)
  const [toReview, setToReview] = useState<number | null>(null)

  useEffect(() => {
    api.invoke('app.info', {}).then(setAppInfo, (err: unknown) =>
      notify(`Could not reach VQA Inspector: ${errorMessage(err)}`, 'error')
    )
  }, [api, notify])

  useEffect(() => {
    let stale = false
    const refresh = (): void => {
      api.invoke('review.queue', { include: 'unreviewed' }).then(
        (q) => {
          if (!stale) setToReview(q.length)
        },
        () => undefined
      )
    }
    refresh()
    const off = api.on('labels.onDidChange', refresh)
    return () => {
      stale = true
      off()
    }
  }, [api, version])

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

  const onLibrary = route.name === 'library'

  return (
    <div className="app">
      <ConnectionBanner />
      <AppNav page={route.name} toReview={toReview} />
      <div className="screens">
        {/* The library stays mounted under the other pages so filters, sort and scroll survive a visit. */}
        <div className={`screen${onLibrary ? '' : ' covered'}`} inert={!onLibrary} aria-hidden={!onLibrary || undefined}>
          <LibraryView appInfo={appInfo} version={version} active={onLibrary} onOpenClip={openClip} />
        </div>
        {route.name === 'clip' && (
          <div className="screen">
            <ClipView key={route.id} id={route.id} version={version} onBack={backToLibrary} />
          </div>
        )}
        {route.name === 'review' && (
          <div className="screen">
            <ReviewView clipId={route.id ?? null} version={version} />
          </div>
        )}
        {route.name === 'labels' && (
          <div className="screen">
            <LabelsView version={version} />
          </div>
        )}
        {route.name === 'insights' && (
          <div className="screen">
            <Suspense fallback={<p className="muted page-loading">Loading…</p>}>
              <InsightsView version={version} />
            </Suspense>
          </div>
        )}
        {route.name === 'training' && (
          <div className="screen">
            <Suspense fallback={<p className="muted page-loading">Loading…</p>}>
              <TrainingView version={version} />
            </Suspense>
          </div>
        )}
        {route.name === 'settings' && (
          <div className="screen">
            <SettingsView appInfo={appInfo} />
          </div>
        )}
      </div>
      <JobBar />
    </div>
  )
}
