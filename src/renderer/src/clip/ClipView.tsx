import { useEffect, useState } from 'react'
import type { ClipDetail } from '../../../shared/contract'
import { useApi } from '../api'
import { errorCode, errorMessage } from '../app/errors'
import { StatusBadge } from '../library/StatusBadge'
import { ClipInspector } from './ClipInspector'
import { ClipMetadata } from './ClipMetadata'

interface ClipViewProps {
  id: number
  /** Library changes refetch the clip: a rescan may have re-read it. */
  version: number
  onBack(): void
}

type Load = { state: 'loading' } | { state: 'error'; message: string; notFound: boolean } | { state: 'ready'; clip: ClipDetail }

export function ClipView({ id, version, onBack }: ClipViewProps) {
  const api = useApi()
  const [load, setLoad] = useState<Load>({ state: 'loading' })
  const [loadedId, setLoadedId] = useState(id)

  if (loadedId !== id) {
    setLoadedId(id)
    setLoad({ state: 'loading' })
  }

  useEffect(() => {
    let stale = false
    api.invoke('clips.get', { id }).then(
      (clip) => {
        if (!stale) setLoad({ state: 'ready', clip })
      },
      (err: unknown) => {
        if (!stale) setLoad({ state: 'error', message: errorMessage(err), notFound: errorCode(err) === 'not_found' })
      }
    )
    return () => {
      stale = true
    }
  }, [api, id, version])

  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (event.key !== 'Escape' || event.defaultPrevented || document.querySelector('dialog[open]')) return
      onBack()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [onBack])

  const clip = load.state === 'ready' ? load.clip : null
  useEffect(() => {
    document.title = clip ? `${clip.name} — VQA Inspector` : 'VQA Inspector'
    return () => {
      document.title = 'VQA Inspector'
    }
  }, [clip])

  return (
    <div className="clip-view">
      <header className="clip-header">
        <button type="button" className="button" onClick={onBack} autoFocus>
          <span aria-hidden="true" className="button-icon">
            ‹
          </span>
          Back to library
        </button>
        <h1 className="clip-title" title={clip?.path}>
          {clip ? clip.name : load.state === 'error' ? 'Clip unavailable' : 'Loading…'}
        </h1>
        {clip && <StatusBadge status={clip.status} error={clip.error} />}
      </header>
      {load.state === 'loading' && <div className="clip-body loading muted">Loading clip…</div>}
      {load.state === 'error' && (
        <div className="clip-body">
          <div className="empty-state" role="alert">
            <h2>{load.notFound ? 'This clip is no longer in the library' : 'Could not load this clip'}</h2>
            <p className="muted">{load.message}</p>
            <button type="button" className="button" onClick={onBack}>
              Back to library
            </button>
          </div>
        </div>
      )}
      {clip && (
        <div className="clip-body">
          <ClipInspector
            clip={clip}
            version={version}
            aside={
              <details className="clip-details-toggle" aria-label="Clip details" open={clip.score === null}>
                <summary>File details</summary>
                <ClipMetadata clip={clip} />
              </details>
            }
          />
        </div>
      )}
    </div>
  )
}
