import { forwardRef, useCallback, useEffect, useImperativeHandle, useRef, useState, type ReactNode } from 'react'
import type { ClipDetail, ClipScore, Label } from '../../../shared/contract'
import { useApi } from '../api'
import { errorMessage } from '../app/errors'
import { useDistortionNames } from '../labels/useDistortions'
import { ExplanationCard } from './ExplanationCard'
import { Player } from './Player'
import { Timeline } from './timeline/Timeline'
import { segmentIndexAt, worstSegmentIndex } from './timeline/timelineMath'
import './inspector.css'

/** What the review queue drives by keyboard. */
export interface InspectorHandle {
  seek(t: number): void
  playRange(start: number, end: number): void
  togglePlay(): void
  currentTime(): number
  worstSegment(): { start: number; end: number } | null
}

export interface ClipInspectorProps {
  clip: ClipDetail
  /** Bumped by library changes (a new score among them): scores and labels are refetched. */
  version: number
  /** The caller's labels; when absent the inspector loads the clip's own. */
  labels?: readonly Label[] | undefined
  onSelectRange?: ((start: number, end: number) => void) | undefined
  /** The caller's idea of the selected range: null clears the timeline's selection (undefined: the timeline's own). */
  selectedRange?: { start: number; end: number } | null | undefined
  /** Put the playhead on the worst segment when the scores arrive. */
  autoFocusWorst?: boolean | undefined
  /** Shown under the explanation card (ClipView: the file's metadata). */
  aside?: ReactNode
}

type Scores = { state: 'loading' } | { state: 'error'; message: string } | { state: 'ready'; list: ClipScore[] }

export const ClipInspector = forwardRef<InspectorHandle, ClipInspectorProps>(function ClipInspector(
  { clip, version, labels: givenLabels, onSelectRange, selectedRange, autoFocusWorst, aside },
  ref
) {
  const api = useApi()
  const videoRef = useRef<HTMLVideoElement | null>(null)
  const [scores, setScores] = useState<Scores>({ state: 'loading' })
  const [ownLabels, setOwnLabels] = useState<Label[]>([])
  const [cuts, setCuts] = useState<number[]>([])
  const [time, setTime] = useState(0)
  const [playing, setPlaying] = useState(false)
  const [compareId, setCompareId] = useState<number | null>(null)
  const [scoring, setScoring] = useState<{ state: 'idle' | 'starting' | 'queued' } | { state: 'error'; message: string }>({ state: 'idle' })
  const rangeEnd = useRef<number | null>(null)
  const focusedFor = useRef<number | null>(null)
  const { title: distortionLabel } = useDistortionNames()

  const [forId, setForId] = useState(clip.id)
  if (forId !== clip.id) {
    setForId(clip.id)
    setScores({ state: 'loading' })
    setCuts([])
    setTime(0)
    setPlaying(false)
    setCompareId(null)
    setScoring({ state: 'idle' })
  }

  useEffect(() => {
    let stale = false
    api.invoke('clips.scores', { id: clip.id }).then(
      (list) => !stale && setScores({ state: 'ready', list }),
      (err: unknown) => !stale && setScores({ state: 'error', message: errorMessage(err) })
    )
    return () => {
      stale = true
    }
  }, [api, clip.id, version])

  useEffect(() => {
    if (givenLabels) return
    let stale = false
    const load = (): void => {
      api.invoke('labels.list', { clipId: clip.id, limit: 1000 }).then(
        (r) => !stale && setOwnLabels(r.rows),
        () => undefined
      )
    }
    load()
    const off = api.on('labels.onDidChange', (e) => {
      if (e.clipIds.length === 0 || e.clipIds.includes(clip.id)) load()
    })
    return () => {
      stale = true
      off()
    }
  }, [api, clip.id, version, givenLabels])

  // Scene cuts are a nicety: the timeline works without them, so a failure is silent.
  useEffect(() => {
    if (clip.status !== 'ok') return
    let stale = false
    api.invoke('clips.sceneCuts', { id: clip.id }).then(
      (r) => !stale && setCuts(r.cuts),
      () => undefined
    )
    return () => {
      stale = true
    }
  }, [api, clip.id, clip.status, clip.fingerprint])

  const list = scores.state === 'ready' ? scores.list : []
  const current = list[0] ?? null
  const segments = current?.segments ?? []
  const compare = compareId !== null ? (list.find((s) => s.id === compareId) ?? null) : null
  const duration = clip.duration ?? segments.at(-1)?.end ?? 0
  const labels = givenLabels ?? ownLabels

  const seek = useCallback((t: number) => {
    const v = videoRef.current
    rangeEnd.current = null
    setTime(t)
    if (v) v.currentTime = t
  }, [])

  const worst = useCallback((): { start: number; end: number } | null => {
    const i = worstSegmentIndex(segments)
    return i >= 0 ? { start: segments[i]!.start, end: segments[i]!.end } : null
  }, [segments])

  useImperativeHandle(
    ref,
    () => ({
      seek,
      playRange(start, end) {
        seek(start)
        rangeEnd.current = end
        void videoRef.current?.play().catch(() => undefined)
      },
      togglePlay() {
        const v = videoRef.current
        if (!v) return
        if (v.paused) void v.play().catch(() => undefined)
        else v.pause()
      },
      currentTime: () => videoRef.current?.currentTime ?? time,
      worstSegment: worst
    }),
    [seek, time, worst]
  )

  useEffect(() => {
    if (!autoFocusWorst || scores.state !== 'ready' || focusedFor.current === clip.id) return
    focusedFor.current = clip.id
    const w = worst()
    if (w) seek(w.start)
  }, [autoFocusWorst, scores.state, clip.id, worst, seek])

  // timeupdate fires ~4 times a second: too coarse for a playhead, so follow the video per frame while it plays.
  useEffect(() => {
    if (!playing) return
    let raf = 0
    const tick = (): void => {
      const v = videoRef.current
      if (v) {
        if (rangeEnd.current !== null && v.currentTime >= rangeEnd.current) {
          v.pause()
          rangeEnd.current = null
        }
        setTime(v.currentTime)
      }
      raf = requestAnimationFrame(tick)
    }
    raf = requestAnimationFrame(tick)
    return () => cancelAnimationFrame(raf)
  }, [playing])

  const jumpWorst = useCallback(() => {
    const w = worst()
    if (w) seek(w.start)
  }, [worst, seek])

  const startScoring = (): void => {
    setScoring({ state: 'starting' })
    api.invoke('scores.start', { scope: 'clips', clipIds: [clip.id] }).then(
      () => setScoring({ state: 'queued' }),
      (err: unknown) => setScoring({ state: 'error', message: errorMessage(err) })
    )
  }

  const segIndex = segmentIndexAt(segments, time)
  const earlier = list.slice(1)

  return (
    <div className="inspector">
      <div className="inspector-layout">
        <div className="inspector-main">
          <section className="inspector-player" aria-label="Preview">
            <Player ref={videoRef} clip={clip} onTime={setTime} onPlaying={setPlaying} />
          </section>
          {clip.status === 'ok' && duration > 0 && (
            <Timeline
              duration={duration}
              segments={segments}
              compare={compare ? { title: `${compare.model} · ${compare.mode}`, short: `Earlier · ${compare.mode}`, segments: compare.segments } : null}
              cuts={cuts}
              silences={current?.silences ?? []}
              stripUrl={clip.stripUrl}
              labels={labels}
              currentTime={time}
              playing={playing}
              distortionLabel={distortionLabel}
              onSeek={seek}
              onSelectRange={onSelectRange}
              selected={selectedRange}
            />
          )}
        </div>
        <aside className="inspector-side" aria-label="Explanation">
          {scores.state === 'loading' && <p className="muted inspector-pad">Loading scores…</p>}
          {scores.state === 'error' && (
            <div className="empty-state compact" role="alert">
              <h2>Could not load this clip’s scores</h2>
              <p className="muted">{scores.message}</p>
            </div>
          )}
          {scores.state === 'ready' && !current && (
            <div className="empty-state compact">
              <h2>Not scored yet</h2>
              <p className="muted">
                Score it to see where and why its quality drops: a score per segment, the distortions found and the evidence
                measured. Scoring runs in the background; progress shows in the job bar.
              </p>
              <button type="button" className="button primary" onClick={startScoring} disabled={clip.status !== 'ok' || scoring.state === 'starting' || scoring.state === 'queued'}>
                {scoring.state === 'queued' ? 'Scoring…' : 'Score this clip'}
              </button>
              {scoring.state === 'error' && (
                <p className="error-text" role="alert">
                  {scoring.message}
                </p>
              )}
              {clip.scoreError && <p className="muted">The last attempt failed: {clip.scoreError}</p>}
            </div>
          )}
          {current && (
            <>
              {earlier.length > 0 && (
                <div className="inspector-compare">
                  <label htmlFor={`compare-${clip.id}`}>Compare with</label>
                  <select id={`compare-${clip.id}`} className="select" value={compareId ?? ''} onChange={(e) => setCompareId(e.target.value ? Number(e.target.value) : null)}>
                    <option value="">No earlier score</option>
                    {earlier.map((s) => (
                      <option key={s.id} value={s.id}>
                        {s.model} · {s.mode} · {s.score.toFixed(2)} ({new Date(s.scoredAt).toLocaleDateString()})
                      </option>
                    ))}
                  </select>
                </div>
              )}
              <ExplanationCard
                score={current}
                segment={segments[segIndex] ?? null}
                distortionLabel={distortionLabel}
                onJumpWorst={jumpWorst}
              />
            </>
          )}
          {aside}
        </aside>
      </div>
    </div>
  )
})
