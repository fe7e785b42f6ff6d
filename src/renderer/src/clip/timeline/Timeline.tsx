import { useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type PointerEvent, type ReactNode } from 'react'
import type { ClipScore, Label } from '../../../../shared/contract'
import { STRIP_FRAMES } from '../../../../shared/wire'
import { severityStretches } from '../../../../shared/localise'
import { formatScore, qualityColorVar } from '../../quality'
import './timeline.css'
import {
  clampView,
  distortionLanes,
  dragRange,
  fitView,
  followTime,
  formatRange,
  formatTimecode,
  panBy,
  scrollThumb,
  segmentIndexAt,
  startFromThumb,
  thumbSlots,
  tickLabelFitsRight,
  ticks,
  timeToX,
  xToClipTime,
  zoomAt,
  zoomLevel,
  type TimeRange,
  type TimeView
} from './timelineMath'

type Segment = ClipScore['segments'][number]

export interface TimelineCompare {
  /** "vqa-default 1.0.0 · fast": which score the second strip is. */
  title: string
  /** Fits the lane-name column ("Earlier · fast"); the full title is its tooltip. */
  short: string
  segments: readonly Segment[]
}

export interface TimelineProps {
  duration: number
  segments: readonly Segment[]
  compare?: TimelineCompare | null
  cuts: readonly number[]
  /** Silent audio stretches (a lane of their own when there are any). */
  silences?: readonly TimeRange[] | undefined
  stripUrl?: string | undefined
  labels: readonly Label[]
  currentTime: number
  playing: boolean
  distortionLabel(id: string): string
  onSeek(t: number): void
  onSelectRange?: ((start: number, end: number) => void) | undefined
  /** The parent's selection, when it keeps one: a tag saved or "clear" (null), or T on the current segment. */
  selected?: TimeRange | null | undefined
}

const ZOOM_STEP = 2
const NO_RANGES: readonly TimeRange[] = []
/** Thumbnail tiles shown at the lane's height with the sprite's 16:9. */
const THUMB_H = 36
const THUMB_W = 64

export function Timeline(props: TimelineProps) {
  const { duration, segments, compare, cuts, silences = NO_RANGES, stripUrl, labels, currentTime, playing, distortionLabel, onSeek, onSelectRange, selected } = props
  const lanesRef = useRef<HTMLDivElement>(null)
  const trackRef = useRef<HTMLDivElement>(null)
  const [width, setWidth] = useState(0)
  const [view, setView] = useState<TimeView>(() => fitView(duration))
  const [hover, setHover] = useState<{ x: number; t: number } | null>(null)
  const [drag, setDrag] = useState<{ x0: number; x1: number } | null>(null)
  const [selection, setSelection] = useState<TimeRange | null>(null)
  const [stripOk, setStripOk] = useState<boolean | null>(null)

  // A new clip (or a duration learned late) starts fitted.
  const [viewFor, setViewFor] = useState(duration)
  if (viewFor !== duration) {
    setViewFor(duration)
    setView(fitView(duration))
    setSelection(null)
  }

  // Keyed on the range's values, not the object's identity, so a parent re-render does not undo a fresh drag.
  const controlled = selected !== undefined
  const selStart = selected?.start
  const selEnd = selected?.end
  useEffect(() => {
    if (!controlled) return
    setSelection(selStart === undefined || selEnd === undefined ? null : { start: selStart, end: selEnd })
  }, [controlled, selStart, selEnd])

  useLayoutEffect(() => {
    const el = lanesRef.current
    if (!el) return
    const measure = (): void => setWidth(el.clientWidth)
    measure()
    const ro = new ResizeObserver(measure)
    ro.observe(el)
    return () => ro.disconnect()
  }, [])

  // The sprite is made on first request: preload it so a failure hides the lane instead of showing broken tiles.
  useEffect(() => {
    setStripOk(null)
    if (!stripUrl) return
    const img = new Image()
    img.onload = () => setStripOk(true)
    img.onerror = () => setStripOk(false)
    img.src = stripUrl
    return () => {
      img.onload = null
      img.onerror = null
    }
  }, [stripUrl])

  // While playing, page the view along so the playhead never runs off the edge.
  useEffect(() => {
    if (playing) setView((v) => followTime(v, currentTime, duration))
  }, [playing, currentTime, duration])

  // Wheel needs a non-passive listener to keep ctrl+wheel from zooming the page.
  const viewRef = useRef(view)
  viewRef.current = view
  useEffect(() => {
    const el = lanesRef.current
    if (!el) return
    const onWheel = (e: WheelEvent): void => {
      const v = viewRef.current
      const w = el.clientWidth
      if (e.ctrlKey || e.metaKey) {
        e.preventDefault()
        const anchor = xToClipTime(e.clientX - el.getBoundingClientRect().left, v, w, duration)
        setView(zoomAt(v, Math.exp(-e.deltaY * 0.0025), anchor, duration))
        return
      }
      const dx = e.shiftKey ? e.deltaY || e.deltaX : e.deltaX
      if (dx === 0 || v.span >= duration) return
      e.preventDefault()
      setView(panBy(v, (dx / Math.max(1, w)) * v.span, duration))
    }
    el.addEventListener('wheel', onWheel, { passive: false })
    return () => el.removeEventListener('wheel', onWheel)
  }, [duration])

  const lanes = useMemo(() => distortionLanes(segments), [segments])
  const rangedLabels = useMemo(() => labels.filter((l) => l.start !== null && l.end !== null), [labels])
  const { x, box } = geometry(view, width)

  const zoomBy = (factor: number): void => {
    const anchor = currentTime >= view.start && currentTime <= view.start + view.span ? currentTime : view.start + view.span / 2
    setView(zoomAt(view, factor, anchor, duration))
  }

  const localX = (e: { clientX: number }): number => e.clientX - (lanesRef.current?.getBoundingClientRect().left ?? 0)

  const onPointerDown = (e: PointerEvent<HTMLDivElement>): void => {
    if (e.button !== 0) return
    e.currentTarget.setPointerCapture(e.pointerId)
    const px = localX(e)
    setDrag({ x0: px, x1: px })
  }
  const onPointerMove = (e: PointerEvent<HTMLDivElement>): void => {
    const px = localX(e)
    setHover({ x: px, t: xToClipTime(px, view, width, duration) })
    if (!drag) return
    setDrag({ ...drag, x1: px })
    // Without a range consumer a drag scrubs.
    if (!onSelectRange && Math.abs(px - drag.x0) >= 4) onSeek(xToClipTime(px, view, width, duration))
  }
  const onPointerUp = (e: PointerEvent<HTMLDivElement>): void => {
    if (!drag) return
    const px = localX(e)
    const range = dragRange(drag.x0, px, view, width, duration)
    setDrag(null)
    if (range && onSelectRange) {
      setSelection(range)
      onSelectRange(range.start, range.end)
    } else if (!range) {
      setSelection(null)
      onSeek(xToClipTime(px, view, width, duration))
    }
  }

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    const i = segmentIndexAt(segments, currentTime)
    const seg = segments[i]
    // Shift+← goes to the start of this segment, or of the previous one when already there.
    const segmentBack = seg ? (currentTime - seg.start > 0.05 ? seg.start : (segments[i - 1]?.start ?? 0)) : 0
    let handled = true
    if (e.key === 'ArrowLeft') onSeek(e.shiftKey && seg ? segmentBack : Math.max(0, currentTime - 1))
    else if (e.key === 'ArrowRight') onSeek(Math.min(duration, e.shiftKey && seg ? seg.end : currentTime + 1))
    else if (e.key === '+' || e.key === '=') zoomBy(ZOOM_STEP)
    else if (e.key === '-') zoomBy(1 / ZOOM_STEP)
    else if (e.key === '0') setView(fitView(duration))
    else if (e.key === 'Home') onSeek(0)
    else if (e.key === 'End') onSeek(duration)
    else handled = false
    if (handled) {
      e.preventDefault()
      e.stopPropagation()
    }
  }

  const hoverIndex = hover && !drag ? segmentIndexAt(segments, hover.t) : -1
  const hoverSeg = hoverIndex >= 0 ? segments[hoverIndex] : undefined
  const dragBox = drag && Math.abs(drag.x1 - drag.x0) >= 4 ? { left: Math.min(drag.x0, drag.x1), width: Math.abs(drag.x1 - drag.x0) } : null
  const zoom = zoomLevel(view, duration)
  const fitted = view.span >= duration

  const heads = useMemo(
    (): Array<{ key: string; label: string; className: string; title?: string }> => [
      { key: 'ruler', label: '', className: 'tl-ruler' },
      ...(stripUrl && stripOk !== false ? [{ key: 'thumbs', label: 'Frames', className: 'tl-thumbs' }] : []),
      { key: 'score', label: 'Score', className: 'tl-score' },
      ...(compare ? [{ key: 'compare', label: compare.short, className: 'tl-compare', title: `Earlier score: ${compare.title}` }] : []),
      ...lanes.map((id) => ({ key: `d-${id}`, label: distortionLabel(id), className: 'tl-distortion' })),
      ...(silences.length ? [{ key: 'silent', label: 'Silent audio', className: 'tl-distortion' }] : []),
      { key: 'labels', label: 'Your labels', className: 'tl-labels' }
    ],
    [stripUrl, stripOk, compare, lanes, distortionLabel, silences.length]
  )

  // The lanes do not depend on the playhead: memoised, a long clip's thousands of segments are not re-rendered on
  // every animation frame while it plays.
  const laneMarkup = useMemo(() => {
    const { x, box, visible } = geometry(view, width)
    const laneBody = (key: string): ReactNode => {
      if (key === 'ruler')
        return ticks(view, width, 72).map((t) => {
          const label = formatTimecode(t)
          return (
            <span key={t} className={tickLabelFitsRight(x(t), label, width) ? 'tl-tick' : 'tl-tick tl-tick-end'} style={{ left: x(t) }}>
              {label}
            </span>
          )
        })
      if (key === 'thumbs')
        return stripOk
          ? thumbSlots(view, width, THUMB_W, STRIP_FRAMES, duration).map((s) => (
              <span
                key={s.x}
                className="tl-thumb"
                style={{
                  left: s.x,
                  width: THUMB_W,
                  backgroundImage: `url("${stripUrl}")`,
                  backgroundSize: `${THUMB_W * STRIP_FRAMES}px ${THUMB_H}px`,
                  backgroundPosition: `${-s.frame * THUMB_W}px 0`
                }}
              />
            ))
          : null
      if (key === 'score')
        return (
          <div role="list" aria-label="Segment scores" className="tl-fill">
            {segments.length === 0 && <span className="tl-empty">Not scored yet</span>}
            {segments.map((s, i) =>
              visible(s) ? (
                <div
                  key={i}
                  role="listitem"
                  aria-label={`${formatRange(s)}: ${formatScore(s.score)}`}
                  className={`tl-seg${i === hoverIndex ? ' hover' : ''}`}
                  style={{ ...box(s.start, s.end), background: qualityColorVar(s.score) }}
                />
              ) : null
            )}
          </div>
        )
      if (key === 'compare' && compare)
        return compare.segments.map((s, i) =>
          visible(s) ? (
            <div key={i} className="tl-seg" aria-label={`Earlier ${formatRange(s)}: ${formatScore(s.score)}`} style={{ ...box(s.start, s.end), background: qualityColorVar(s.score) }} />
          ) : null
        )
      if (key.startsWith('d-')) {
        const id = key.slice(2)
        // On the segments' parts where they have them (shared/localise.ts): the stretches the findings name.
        return segments.flatMap((seg, i) =>
          severityStretches(seg, id, 0.3).map((s, k) => {
            const v = s.severity
            if ((v <= 0.05 && !s.flagged) || !visible(s)) return null
            return (
              <div
                key={`${i}-${k}`}
                className={`tl-sev${s.flagged ? ' strong' : ''}`}
                // Only where the explanations place it is read out; fainter shading is context for the eye.
                {...(s.flagged ? { role: 'listitem', 'aria-label': `${formatRange(s)}: ${distortionLabel(id)} ${Math.round(v * 100)} %` } : { 'aria-hidden': true })}
                title={`${distortionLabel(id)} ${Math.round(v * 100)} % at ${formatRange(s)}`}
                style={{ ...box(s.start, s.end), opacity: 0.25 + 0.75 * Math.min(1, v) }}
              />
            )
          })
        )
      }
      if (key === 'silent')
        return silences.map((r, i) =>
          visible(r) ? (
            <div key={i} className="tl-sev strong tl-silent" role="listitem" aria-label={`${formatRange(r)}: silent audio`} title={`Silent audio at ${formatRange(r)}`} style={box(r.start, r.end)} />
          ) : null
        )
      if (key === 'labels')
        return rangedLabels.map((l) =>
          visible({ start: l.start!, end: l.end! }) ? (
            <div key={l.id} className={`tl-label kind-${l.kind}`} style={box(l.start!, l.end!)} title={`${labelText(l, distortionLabel)} · ${formatRange({ start: l.start!, end: l.end! })}`}>
              <span>{labelText(l, distortionLabel)}</span>
            </div>
          ) : null
        )
      return null
    }
    return heads.map((h) => (
      <div key={h.key} className={`tl-lane ${h.className}`} {...(h.key.startsWith('d-') ? { role: 'list', 'aria-label': `${distortionLabel(h.key.slice(2))} severity` } : {})}>
        {laneBody(h.key)}
      </div>
    ))
  }, [heads, view, width, segments, compare, silences, rangedLabels, stripOk, stripUrl, hoverIndex, distortionLabel, duration])

  const thumb = scrollThumb(view, duration, Math.max(1, (trackRef.current?.clientWidth ?? width) || 1))
  const onThumbDown = (e: PointerEvent<HTMLDivElement>): void => {
    e.stopPropagation()
    const el = trackRef.current
    if (!el || fitted) return
    const startX = e.clientX
    const startLeft = thumb.left
    const target = e.currentTarget
    target.setPointerCapture(e.pointerId)
    const move = (ev: globalThis.PointerEvent): void => {
      setView((v) => clampView({ start: startFromThumb(startLeft + ev.clientX - startX, v, duration, el.clientWidth), span: v.span }, duration))
    }
    const up = (): void => {
      target.removeEventListener('pointermove', move)
      target.removeEventListener('pointerup', up)
    }
    target.addEventListener('pointermove', move)
    target.addEventListener('pointerup', up)
  }
  const onTrackDown = (e: PointerEvent<HTMLDivElement>): void => {
    const el = trackRef.current
    if (!el || fitted) return
    const px = e.clientX - el.getBoundingClientRect().left
    setView((v) => panBy(v, px < thumb.left ? -v.span * 0.9 : v.span * 0.9, duration))
  }

  return (
    <div className="timeline" role="group" aria-label="Timeline">
      <div className="tl-toolbar">
        <div className="tl-zoom" role="toolbar" aria-label="Zoom">
          <button type="button" className="button small" aria-label="Zoom out" title="Zoom out (−, ctrl+wheel)" disabled={fitted} onClick={() => zoomBy(1 / ZOOM_STEP)}>
            −
          </button>
          <button type="button" className="button small" aria-label="Zoom in" title="Zoom in (+, ctrl+wheel)" disabled={view.span <= Math.min(1, duration)} onClick={() => zoomBy(ZOOM_STEP)}>
            +
          </button>
          <button type="button" className="button small" aria-label="Fit" title="Show the whole clip (0)" disabled={fitted} onClick={() => setView(fitView(duration))}>
            Fit
          </button>
          <span className="tl-zoom-level muted">{zoom < 1.05 ? 'Whole clip' : `${zoom < 10 ? zoom.toFixed(1) : Math.round(zoom)}×`}</span>
        </div>
        <span className="tl-readout muted" aria-live="off">
          {selection ? `Selected ${formatRange(selection)}` : `${formatTimecode(currentTime)} / ${formatTimecode(duration)}`}
        </span>
        <span className="tl-hint muted">{onSelectRange ? 'Click to seek · drag to select a range' : 'Click or drag to seek'}</span>
      </div>
      <div className="tl-grid">
        <div className="tl-heads" aria-hidden="true">
          {heads.map((h) => (
            <div key={h.key} className={`tl-head ${h.className}`} title={h.title ?? h.label}>
              {h.label}
            </div>
          ))}
        </div>
        <div
          ref={lanesRef}
          className="tl-lanes"
          tabIndex={0}
          aria-label={`Timeline lanes: ←/→ seek, shift+←/→ by segment, +/− zoom, 0 fit`}
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onPointerCancel={() => setDrag(null)}
          onPointerLeave={() => setHover(null)}
          onKeyDown={onKeyDown}
        >
          {laneMarkup}
          {cuts.filter((c) => c >= view.start && c <= view.start + view.span).map((c) => (
            <div key={c} className="tl-cut" style={{ left: x(c) }} title={`Scene cut at ${formatTimecode(c)}`} />
          ))}
          {selection && !dragBox && <div className="tl-selection" style={box(selection.start, selection.end)} />}
          {dragBox && <div className="tl-selection dragging" style={dragBox} />}
          {currentTime >= view.start && currentTime <= view.start + view.span && <div className="tl-playhead" style={{ left: x(currentTime) }} />}
          {hover && <div className="tl-hoverline" style={{ left: hover.x }} />}
        </div>
      </div>
      <div ref={trackRef} className={`tl-scroll${fitted ? ' fitted' : ''}`} onPointerDown={onTrackDown} aria-hidden="true">
        <div className="tl-scroll-thumb" style={{ left: thumb.left, width: thumb.width }} onPointerDown={onThumbDown} />
      </div>
      {hoverSeg && hover && (
        <div className="tl-tooltip" role="tooltip" style={{ left: `clamp(8px, calc(112px + ${hover.x}px - 150px), calc(100% - 308px))` }}>
          <div className="tl-tooltip-head">
            <span className="tl-swatch" style={{ background: qualityColorVar(hoverSeg.score) }} />
            <strong>{formatScore(hoverSeg.score)}</strong>
            <span className="muted">{formatRange(hoverSeg)}</span>
          </div>
          <p>{hoverSeg.explanation || 'No distortion stood out in this segment.'}</p>
        </div>
      )}
    </div>
  )
}

function geometry(view: TimeView, width: number) {
  const x = (t: number): number => timeToX(t, view, width)
  return {
    x,
    box: (start: number, end: number): { left: number; width: number } => {
      const l = x(start)
      return { left: l, width: Math.max(1, x(end) - l) }
    },
    visible: (s: { start: number; end: number }): boolean => s.end >= view.start && s.start <= view.start + view.span
  }
}

function labelText(l: Label, distortionLabel: (id: string) => string): string {
  if (l.kind === 'distortion' && l.distortion) return distortionLabel(l.distortion)
  if (l.kind === 'score' && l.score !== null) return `Score ${l.score.toFixed(1)}`
  if (l.kind === 'comment' && l.comment) return l.comment
  if (l.kind === 'verdict' && l.verdict) return l.verdict === 'accept' ? 'Accepted' : 'Rejected'
  return l.kind
}
