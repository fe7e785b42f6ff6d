import { useEffect, useState } from 'react'
import { Bar, BarChart, CartesianGrid, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import type { LibraryStats } from '../../../shared/contract'
import { useApi } from '../api'
import { errorMessage } from '../app/errors'
import { formatInteger } from '../format'
import { ScoreChip } from '../library/ScoreChip'
import { levelColorVar, qualityColorVar } from '../quality'
import { describeHistogram, distortionBars, distortionLabel, histogramBars } from './insightsData'
import './insights.css'

const tooltipStyle = { background: 'var(--raised)', border: '1px solid var(--border)', color: 'var(--text)' }
const SCORE_TICKS = [1, 2, 3, 4, 5]

export function InsightsView({ version }: { version: number }) {
  const api = useApi()
  const [stats, setStats] = useState<LibraryStats | null>(null)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    let stale = false
    api.invoke('stats.library', {}).then(
      (s) => {
        if (!stale) {
          setStats(s)
          setError(null)
        }
      },
      (err: unknown) => {
        if (!stale) setError(errorMessage(err))
      }
    )
    return () => {
      stale = true
    }
  }, [api, version])

  if (error) {
    return (
      <div className="page insights">
        <div className="empty-state" role="alert">
          <h2>Could not compute the statistics</h2>
          <p className="muted">{error}</p>
        </div>
      </div>
    )
  }
  if (!stats) return <div className="page insights muted">Loading…</div>

  const bars = histogramBars(stats)
  const dist = distortionBars(stats)
  return (
    <div className="page insights">
      <header className="insights-head">
        <h1>Insights</h1>
        <dl className="insights-numbers">
          <div>
            <dt>Clips</dt>
            <dd title={stats.unreadable ? `Readable clips; ${formatInteger(stats.unreadable)} more could not be read and are left out here` : undefined}>
              {formatInteger(stats.clips)}
            </dd>
          </div>
          {stats.unreadable > 0 && (
            <div>
              <dt>Could not be read</dt>
              <dd title="Left out of every number here; the Library's Status filter lists them with the reason">{formatInteger(stats.unreadable)}</dd>
            </div>
          )}
          <div>
            <dt>Scored</dt>
            <dd>{formatInteger(stats.scored)}</dd>
          </div>
          <div>
            <dt>Flagged</dt>
            <dd>{formatInteger(stats.flagged)}</dd>
          </div>
          <div>
            <dt>Labelled by you</dt>
            <dd>{formatInteger(stats.labelled)}</dd>
          </div>
        </dl>
      </header>
      {stats.scored === 0 ? (
        <div className="empty-state">
          <h2>Nothing scored yet</h2>
          <p className="muted">
            {stats.clips === 0 ? 'Add a folder of videos in the Library, then score it' : 'Score a folder from the Library (the Score button)'} to see how
            its clips are distributed, which distortions are common, and which clips are worst.
          </p>
          <a className="button primary" href="#/">
            Go to the library
          </a>
        </div>
      ) : (
        <div className="insights-grid">
          <section className="insights-card" aria-labelledby="ins-hist">
            <h2 id="ins-hist">Score distribution</h2>
            <figure role="img" aria-label={`Histogram of latest scores: ${describeHistogram(bars)}`}>
              <ResponsiveContainer width="100%" height={220}>
                <BarChart data={bars} barCategoryGap={1} margin={{ top: 4, right: 12, bottom: 0, left: -16 }}>
                  <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" vertical={false} />
                  <XAxis type="number" dataKey="mid" domain={[1, 5]} ticks={SCORE_TICKS} stroke="var(--muted)" fontSize={11} />
                  <YAxis stroke="var(--muted)" fontSize={11} allowDecimals={false} />
                  <Tooltip contentStyle={tooltipStyle} labelFormatter={(_, p) => `Score ${String(p[0]?.payload?.range ?? '')}`} formatter={(v) => [String(v), 'clips']} />
                  <Bar dataKey="count" isAnimationActive={false}>
                    {bars.map((b) => (
                      <Cell key={b.from} fill={levelColorVar(b.level)} />
                    ))}
                  </Bar>
                </BarChart>
              </ResponsiveContainer>
            </figure>
            <p className="muted small chart-note">Each clip’s latest score, in steps of 0.25; colours are the quality levels.</p>
          </section>
          <section className="insights-card" aria-labelledby="ins-dist">
            <h2 id="ins-dist">Distortions</h2>
            {dist.length === 0 ? (
              <p className="muted">No distortion reached the reporting level (severity 0.3) in any scored clip.</p>
            ) : (
              <figure role="img" aria-label={`Clips per distortion: ${dist.map((d) => `${d.label} ${d.count}`).join(', ')}`}>
                <ResponsiveContainer width="100%" height={Math.max(120, dist.length * 26 + 20)}>
                  <BarChart data={dist} layout="vertical" margin={{ top: 0, right: 16, bottom: 0, left: 24 }}>
                    <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" horizontal={false} />
                    <XAxis type="number" stroke="var(--muted)" fontSize={11} allowDecimals={false} />
                    <YAxis type="category" dataKey="label" stroke="var(--muted)" fontSize={11} width={96} />
                    <Tooltip contentStyle={tooltipStyle} formatter={(v, _n, p) => [`${String(v)} clips (${Math.round((p.payload as { share: number }).share * 100)} % of scored)`, '']} />
                    <Bar dataKey="count" fill="var(--accent)" isAnimationActive={false} />
                  </BarChart>
                </ResponsiveContainer>
              </figure>
            )}
          </section>
          <section className="insights-card" aria-labelledby="ins-worst">
            <h2 id="ins-worst">Worst clips</h2>
            <ol className="worst-list">
              {stats.worst.map((w) => (
                <li key={w.id}>
                  <a href={`#/clip/${w.id}`} className="worst-link">
                    <span className="worst-name">{w.name}</span>
                    <span className="muted small worst-distortion">{w.topDistortion ? distortionLabel(stats, w.topDistortion) : ''}</span>
                    <ScoreChip score={w.score} />
                  </a>
                </li>
              ))}
            </ol>
          </section>
          <section className="insights-card" aria-labelledby="ins-models">
            <h2 id="ins-models">Model versions</h2>
            <table className="models-table">
              <thead>
                <tr>
                  <th scope="col">Version</th>
                  <th scope="col">Clips scored</th>
                  <th scope="col">Latest for</th>
                  <th scope="col">Mean score</th>
                </tr>
              </thead>
              <tbody>
                {stats.models.map((m) => (
                  <tr key={m.id}>
                    <th scope="row">{m.model}</th>
                    <td>{formatInteger(m.clips)}</td>
                    <td>{formatInteger(m.latest)}</td>
                    <td>
                      <ScoreChip score={m.mean} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {stats.models.length > 1 && (
              <figure role="img" aria-label={`Mean score per model version: ${stats.models.map((m) => `${m.model} ${m.mean.toFixed(2)}`).join(', ')}`}>
                <ResponsiveContainer width="100%" height={Math.max(100, stats.models.length * 30 + 20)}>
                  <BarChart data={stats.models} layout="vertical" margin={{ top: 0, right: 16, bottom: 0, left: 24 }}>
                    <XAxis type="number" domain={[1, 5]} stroke="var(--muted)" fontSize={11} />
                    <YAxis type="category" dataKey="model" stroke="var(--muted)" fontSize={11} width={140} />
                    <Tooltip contentStyle={tooltipStyle} formatter={(v) => [Number(v).toFixed(2), 'mean score']} />
                    <Bar dataKey="mean" isAnimationActive={false}>
                      {stats.models.map((m) => (
                        <Cell key={m.id} fill={qualityColorVar(m.mean)} />
                      ))}
                    </Bar>
                  </BarChart>
                </ResponsiveContainer>
              </figure>
            )}
            <p className="muted small">
              Each mean is over the clips that version scored, which may not be the same clips. A re-score with a new version keeps the earlier
              scores: compare them per clip on its page.
            </p>
          </section>
        </div>
      )}
    </div>
  )
}
