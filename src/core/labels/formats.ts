/**
 * Label files in and out, as pure functions over text. Three formats:
 * - `jsonl`: VQAThinker's training JSONL (one video per line; the answer is its 1–5 score);
 * - `meta-json`: VQAThinker's evaluation meta JSON (`annotations[].image_id` + `score`, on the dataset's native scale);
 * - `csv`: this app's label CSV (one label per row), and, on import, any CSV with a path column (`path`, `filename`,
 *   `image_id`, `video`) and a score column (`score`, `gt_score`, `mos`).
 * Matching an imported path to a clip of the catalog is separate (`matchPath`), so these stay testable on strings.
 */
import type { Label, LabelKind } from '../../shared/contract'
import { VQATHINKER_QUESTION } from '../scoring/export'

export interface ImportedLabel {
  /** The path as the file wrote it (relative or absolute). */
  path: string
  kind: LabelKind
  score: number | null
  verdict: 'accept' | 'reject' | null
  distortion: string | null
  start: number | null
  end: number | null
  comment: string | null
}

export interface ParseResult {
  labels: ImportedLabel[]
  errors: string[]
}

export interface Scale {
  min: number
  max: number
}

/** Pure: a native-scale score onto 1–5, clamped (a 0–100 MOS of 63.2 → 3.53). */
export function rescale(value: number, scale: Scale = { min: 1, max: 5 }): number {
  if (scale.max === scale.min) return 3
  const s = 1 + ((value - scale.min) / (scale.max - scale.min)) * 4
  return Math.min(5, Math.max(1, Math.round(s * 1e4) / 1e4))
}

const scoreLabel = (path: string, score: number): ImportedLabel => ({
  path,
  kind: 'score',
  score,
  verdict: null,
  distortion: null,
  start: null,
  end: null,
  comment: null
})

export function parseJsonl(text: string, scale?: Scale): ParseResult {
  const labels: ImportedLabel[] = []
  const errors: string[] = []
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return
    try {
      const o = JSON.parse(line) as { image?: unknown; video?: unknown; conversations?: Array<{ from?: unknown; value?: unknown }> }
      const media = Array.isArray(o.image) ? o.image[0] : (o.image ?? o.video)
      const answer = o.conversations?.find((c) => c.from === 'gpt')?.value
      const value = typeof answer === 'number' ? answer : typeof answer === 'string' ? firstFloat(answer) : NaN
      if (typeof media !== 'string' || !Number.isFinite(value)) throw new Error('needs "image": [path] and a gpt answer with a number')
      labels.push(scoreLabel(media, rescale(value, scale)))
    } catch (err) {
      errors.push(`line ${i + 1}: ${(err as Error).message}`)
    }
  })
  return { labels, errors }
}

/** The score is the first float of the answer (`<answer>3.25</answer>` or plain `3.25`), as the seed reads it. */
function firstFloat(text: string): number {
  const answer = /<answer>([\s\S]*?)<\/answer>/.exec(text)?.[1] ?? text
  const m = /-?\d+(?:\.\d+)?/.exec(answer)
  return m ? Number(m[0]) : NaN
}

export function parseMetaJson(text: string, scale?: Scale): ParseResult {
  let o: unknown
  try {
    o = JSON.parse(text)
  } catch (err) {
    return { labels: [], errors: [`not JSON: ${(err as Error).message}`] }
  }
  const anns = (o as { annotations?: unknown }).annotations
  if (!Array.isArray(anns)) return { labels: [], errors: ['expected {"annotations": [...]}'] }
  const labels: ImportedLabel[] = []
  const errors: string[] = []
  anns.forEach((a: { image_id?: unknown; score?: unknown }, i) => {
    const value = typeof a.score === 'number' ? a.score : typeof a.score === 'string' ? Number(a.score) : NaN
    if (typeof a.image_id !== 'string' || !Number.isFinite(value)) errors.push(`annotation ${i + 1}: needs image_id and a numeric score`)
    else labels.push(scoreLabel(a.image_id, rescale(value, scale)))
  })
  return { labels, errors }
}

/** Pure RFC 4180: quoted fields with commas, doubled quotes and newlines. */
export function parseCsvRows(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (c === '"') quoted = false
      else field += c
    } else if (c === '"' && field === '') quoted = true
    else if (c === ',') {
      row.push(field)
      field = ''
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++
      row.push(field)
      if (row.some((f) => f !== '')) rows.push(row)
      row = []
      field = ''
    } else field += c
  }
  row.push(field)
  if (row.some((f) => f !== '')) rows.push(row)
  return rows
}

const KINDS: readonly LabelKind[] = ['score', 'verdict', 'distortion', 'comment']

export function parseCsv(text: string, scale?: Scale): ParseResult {
  const [head, ...rows] = parseCsvRows(text.replace(/^\uFEFF/, ''))
  if (!head) return { labels: [], errors: ['the file is empty'] }
  const col = (...names: string[]): number => head.findIndex((h) => names.includes(h.trim().toLowerCase()))
  const pathCol = col('path', 'filename', 'file', 'image_id', 'video', 'name')
  const scoreCol = col('score', 'gt_score', 'mos', 'label_score')
  const kindCol = col('kind')
  if (pathCol < 0) return { labels: [], errors: ['no path column (path, filename, image_id or video)'] }
  const labels: ImportedLabel[] = []
  const errors: string[] = []
  const num = (v: string | undefined): number | null => (v === undefined || v.trim() === '' ? null : Number(v))
  const text_ = (r: string[], name: string): string | null => {
    const i = col(name)
    const v = i >= 0 ? r[i]?.trim() : undefined
    return v ? v : null
  }
  rows.forEach((r, i) => {
    const path = r[pathCol]?.trim()
    const where = `row ${i + 2}`
    if (!path) return void errors.push(`${where}: no path`)
    const kindText = kindCol >= 0 ? (r[kindCol]?.trim() ?? '') : 'score'
    const kind = (KINDS as readonly string[]).includes(kindText) ? (kindText as LabelKind) : null
    if (!kind) return void errors.push(`${where}: unknown kind "${kindText}"`)
    const raw = num(scoreCol >= 0 ? r[scoreCol] : undefined)
    if (raw !== null && !Number.isFinite(raw)) return void errors.push(`${where}: score "${r[scoreCol]}" is not a number`)
    const start = num(r[col('start')] ?? undefined)
    const end = num(r[col('end')] ?? undefined)
    const verdict = text_(r, 'verdict')
    if (kind === 'score' && raw === null) return void errors.push(`${where}: no score`)
    labels.push({
      path,
      kind,
      score: raw === null ? null : rescale(raw, scale),
      verdict: verdict === 'accept' || verdict === 'reject' ? verdict : null,
      distortion: text_(r, 'distortion'),
      start: start !== null && Number.isFinite(start) ? start : null,
      end: end !== null && Number.isFinite(end) ? end : null,
      comment: text_(r, 'comment')
    })
  })
  return { labels, errors }
}

export interface ExportableLabel extends Label {
  /** Relative to the clip's library folder, with forward slashes. */
  relPath: string
}

const csvCell = (v: unknown): string => {
  const s = v === null || v === undefined ? '' : String(v)
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

export function labelsToCsv(labels: readonly ExportableLabel[]): string {
  const head = ['path', 'kind', 'score', 'verdict', 'distortion', 'start', 'end', 'comment', 'model', 'source', 'created_at']
  const lines = labels.map((l) =>
    [l.relPath, l.kind, l.score, l.verdict, l.distortion, l.start, l.end, l.comment, l.model, l.source, new Date(l.createdAt).toISOString()]
      .map(csvCell)
      .join(',')
  )
  return [head.join(','), ...lines].join('\n') + '\n'
}

/** Only whole-clip score labels: the seed's formats carry one score per video. */
const clipScores = (labels: readonly ExportableLabel[]): ExportableLabel[] =>
  labels.filter((l) => l.kind === 'score' && l.start === null && l.score !== null)

export function labelsToJsonl(labels: readonly ExportableLabel[]): string {
  const lines = clipScores(labels).map((l, i) =>
    JSON.stringify({
      id: i,
      dataset_name: 'vqa-inspector-labels',
      image: [l.relPath],
      conversations: [
        { from: 'human', value: VQATHINKER_QUESTION },
        { from: 'gpt', value: l.score }
      ]
    })
  )
  return lines.length ? lines.join('\n') + '\n' : ''
}

export function labelsToMetaJson(labels: readonly ExportableLabel[]): string {
  const annotations = clipScores(labels).map((l) => ({ image_id: l.relPath, ann_type: 'score', score: (l.score as number).toFixed(2) }))
  return JSON.stringify({ annotations }, null, 2) + '\n'
}

export interface IndexedClip {
  id: number
  path: string
  /** Relative to its library folder, forward slashes. */
  relPath: string
  name: string
}

/**
 * Pure: which catalogued clip an imported path names. Tried in order: the absolute path; the path relative to a
 * library folder; a unique clip whose path ends with it; a unique clip with that file name. Ambiguity is no match:
 * a label on the wrong clip is worse than a label reported as unmatched.
 */
export function clipMatcher(clips: readonly IndexedClip[]): (path: string) => number | null {
  const group = (key: (c: IndexedClip) => string): Map<string, number[]> => {
    const m = new Map<string, number[]>()
    for (const c of clips) {
      const k = key(c)
      const list = m.get(k)
      if (list) list.push(c.id)
      else m.set(k, [c.id])
    }
    return m
  }
  const byPath = group((c) => c.path)
  const byRel = group((c) => c.relPath)
  const byName = group((c) => c.name)
  const unique = (ids: number[] | undefined): number | null => (ids?.length === 1 ? ids[0]! : null)
  return (path) => {
    const p = path.replace(/\\/g, '/').replace(/^\.\//, '')
    const exact = byPath.get(p)
    if (exact?.length) return exact[0]!
    const rel = unique(byRel.get(p))
    if (rel !== null) return rel
    if (p.includes('/')) {
      const suffix = clips.filter((c) => c.path.endsWith(`/${p}`))
      if (suffix.length === 1) return suffix[0]!.id
      if (suffix.length > 1) return null
    }
    return unique(byName.get(p.split('/').pop() ?? p))
  }
}
