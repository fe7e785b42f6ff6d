/**
 * `vqa report --html`: one self-contained HTML file (no scripts, no external resources) with each clip's score,
 * flags, the model's reasoning and a drawn timeline — a score strip per segment and a lane per distortion found.
 */
import { levelWord, REPORT_THRESHOLD } from '../engine/explain'
import { formatSpan, formatTime } from '../../shared/time'
import { distortionName } from '../../shared/distortions'
import { distortionIds, peakSeverity, severityStretches } from '../../shared/localise'
import type { StoredScore } from './store'

export interface ReportClip {
  path: string
  name: string
  duration: number | null
  score: StoredScore | null
  error: string | null
}

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)

/** Pure: a colour from red (1) through amber (3) to green (5). */
export function scoreColour(score: number): string {
  const t = Math.min(1, Math.max(0, (score - 1) / 4))
  const hue = Math.round(t * 120)
  return `hsl(${hue}, 70%, 45%)`
}

function timeline(s: StoredScore, duration: number): string {
  const W = 900
  const laneH = 14
  const x = (t: number): number => (t / Math.max(duration, 1e-6)) * W
  const found = distortionIds(s.segments).filter((id) => s.segments.some((g) => peakSeverity(g, id) >= REPORT_THRESHOLD)).sort()
  const H = 28 + found.length * (laneH + 4) + 18
  const parts: string[] = []
  for (const g of s.segments) {
    parts.push(
      `<rect x="${x(g.start).toFixed(1)}" y="0" width="${Math.max(1, x(g.end) - x(g.start) - 1).toFixed(1)}" height="24" fill="${scoreColour(g.score)}"><title>${esc(g.explanation)}</title></rect>`,
      `<text x="${(x(g.start) + 3).toFixed(1)}" y="16" font-size="11" fill="#fff">${g.score.toFixed(1)}</text>`
    )
  }
  found.forEach((id, i) => {
    const y = 28 + i * (laneH + 4)
    parts.push(`<text x="${W + 6}" y="${y + 11}" font-size="11" fill="#444">${esc(distortionName(id))}</text>`)
    // Where the segments' parts place it (shared/localise.ts): the same stretches the findings and flags name.
    for (const r of s.segments.flatMap((g) => severityStretches(g, id, REPORT_THRESHOLD))) {
      if (!r.flagged) continue
      const at = formatSpan(r.start, r.end)
      parts.push(`<rect x="${x(r.start).toFixed(1)}" y="${y}" width="${Math.max(1, x(r.end) - x(r.start) - 1).toFixed(1)}" height="${laneH}" fill="#c0392b" fill-opacity="${(0.25 + 0.75 * r.severity).toFixed(2)}"><title>${esc(`${id} ${r.severity.toFixed(2)} at ${at}`)}</title></rect>`)
    }
  })
  const ticks = Math.min(10, Math.max(1, Math.floor(duration)))
  for (let i = 0; i <= ticks; i++) {
    const t = (duration * i) / ticks
    parts.push(`<text x="${Math.min(W - 30, x(t)).toFixed(1)}" y="${H - 4}" font-size="10" fill="#666">${formatTime(t)}</text>`)
  }
  return `<svg viewBox="0 0 ${W + 110} ${H}" width="100%" role="img" aria-label="Timeline">${parts.join('')}</svg>`
}

export function renderHtmlReport(clips: readonly ReportClip[], title: string, generatedAt = new Date()): string {
  const sorted = [...clips].sort((a, b) => (a.score?.score ?? -1) - (b.score?.score ?? -1))
  const body = sorted
    .map((c) => {
      if (!c.score) return `<section><h2>${esc(c.name)}</h2><p class="path">${esc(c.path)}</p><p class="err">${esc(c.error ?? 'Not scored yet')}</p></section>`
      const s = c.score
      const duration = c.duration ?? s.segments[s.segments.length - 1]?.end ?? 0
      const think = /<think>([\s\S]*)<\/think>/.exec(s.summary)?.[1] ?? ''
      return `<section>
<h2><span class="score" style="background:${scoreColour(s.score)}">${s.score.toFixed(2)}</span> ${esc(c.name)} <small>${levelWord(s.score)}</small></h2>
<p class="path">${esc(c.path)} · ${esc(s.model)} · ${s.mode} · ${s.segmentSeconds} s segments</p>
${s.flags.length ? `<ul class="flags">${s.flags.map((f) => `<li>⚑ ${esc(f.message)}</li>`).join('')}</ul>` : ''}
${timeline(s, duration)}
<p class="think">${esc(think)}</p>
<details><summary>Segments</summary><ol>${s.segments.map((g) => `<li>${esc(g.explanation)}</li>`).join('')}</ol></details>
</section>`
    })
    .join('\n')
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${esc(title)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1100px;color:#1d1d22;padding:0 16px}
section{border-top:1px solid #ddd;padding:12px 0}
h2{font-size:16px;margin:0 0 4px}.score{color:#fff;border-radius:4px;padding:1px 6px;font-variant-numeric:tabular-nums}
small{color:#666;font-weight:normal}.path{color:#666;font-size:12px;margin:0 0 6px;word-break:break-all}
.flags{margin:4px 0;padding-left:18px;color:#a33}.think{color:#333}.err{color:#a33}
</style></head><body>
<h1>${esc(title)}</h1>
<p>${clips.length} clip${clips.length === 1 ? '' : 's'}, worst first · generated ${esc(generatedAt.toISOString().slice(0, 16).replace('T', ' '))} ·
scores come from a model trained on synthetic, rule-based targets, not on human opinion scores.</p>
${body}
</body></html>
`
}
