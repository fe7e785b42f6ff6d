import { useEffect, useState, type SyntheticEvent } from 'react'
import type { ClipDetail } from '../../../shared/contract'
import { useApi } from '../api'
import { errorCode, errorMessage } from '../app/errors'
import { StatusBadge } from '../library/StatusBadge'
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
          <section className="player-area" aria-label="Preview">
            <Player clip={clip} />
          </section>
          <aside className="metadata-panel" aria-label="Clip details">
            <ClipMetadata clip={clip} />
          </aside>
        </div>
      )}
    </div>
  )
}

function Player({ clip }: { clip: ClipDetail }) {
  const [problem, setProblem] = useState<string | null>(null)
  const [src, setSrc] = useState(clip.mediaUrl)
  if (src !== clip.mediaUrl) {
    setSrc(clip.mediaUrl)
    setProblem(null)
  }

  if (clip.status === 'error') {
    return (
      <div className="player-message error" role="alert">
        <h2>This file could not be read</h2>
        <p>{clip.error ?? 'ffprobe failed on this file without saying why.'}</p>
        <p className="muted">The details on the right are what could be gathered before it failed.</p>
      </div>
    )
  }
  if (clip.status === 'missing') {
    return (
      <div className="player-message" role="alert">
        <h2>The file is missing</h2>
        <p>It is no longer at this path. It may have been moved, renamed or deleted, or its drive is disconnected.</p>
        <p className="path-text">{clip.path}</p>
      </div>
    )
  }

  const codec = clip.codec ?? 'this codec'
  const unplayable = `This browser engine cannot play ${codec}; a preview transcode will come in a later version.`

  const onError = (event: SyntheticEvent<HTMLVideoElement>): void => {
    const code = event.currentTarget.error?.code
    // MEDIA_ERR_NETWORK (2): the file could not be fetched; anything else is about decoding it.
    setProblem(code === 2 ? 'The file could not be loaded for playback. It may have been moved or be unreadable.' : unplayable)
  }

  // Some engines accept a container whose video track they cannot decode: audio plays under black.
  const onLoadedMetadata = (event: SyntheticEvent<HTMLVideoElement>): void => {
    const v = event.currentTarget
    if (v.videoWidth === 0 && clip.width !== null && clip.width > 0) setProblem(unplayable)
  }

  return (
    <div className="player">
      {problem ? (
        <div className="player-message" role="alert">
          <h2>Cannot play this clip here</h2>
          <p>{problem}</p>
          <p className="muted">The clip’s details are still all on the right.</p>
        </div>
      ) : (
        <video
          key={clip.mediaUrl}
          className="video"
          controls
          preload="metadata"
          src={clip.mediaUrl}
          poster={clip.thumbnailUrl || undefined}
          onError={onError}
          onLoadedMetadata={onLoadedMetadata}
        />
      )}
    </div>
  )
}
