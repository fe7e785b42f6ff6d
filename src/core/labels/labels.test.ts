import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { queryTable } from '../catalog/clips'
import { openCatalog, type Db } from '../catalog/database'
import { libraryStats, reviewQueue } from '../catalog/review'
import { getSettings, setSettings } from '../catalog/settings'
import { deleteView, listViews, saveView } from '../catalog/views'
import { upsertProbed } from '../catalog/clips'
import { builtinPackDir } from '../engine/builtin'
import { PRESETS } from '../scoring/flags'
import { ensureModelVersion, reflagBatch, saveScore } from '../scoring/store'
import type { ModelManifest } from '../../shared/model-pack'
import { addLabel, deleteLabel, restoreLabels, listLabels, updateLabel } from './store'
import { exportLabels, importLabels } from './transfer'

const info = {
  container: 'MP4/MOV', duration: 8, width: 64, height: 64, displayWidth: 64, displayHeight: 64, rotation: 0, fps: 25,
  variableFrameRate: false, frameCount: 200, codec: 'h264', profile: null, pixelFormat: 'yuv420p', bitDepth: 8,
  chromaSubsampling: '4:2:0', colorTransfer: null, colorPrimaries: null, colorRange: null, hdr: null, interlaced: false, bitrate: null, audio: []
}

describe('labels, review queue and library statistics on an on-disk catalog', () => {
  let dir: string
  let db: Db
  const ids: number[] = []
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'vqa-labels-'))
    db = openCatalog({ file: join(dir, 'catalog.sqlite') })
    db.prepare('INSERT INTO folders (id, path, added_at) VALUES (1, ?, 0)').run('/lib')
    for (const [i, name] of ['day1/a.mp4', 'day1/b.mp4', 'c.mp4'].entries()) {
      const relDir = name.includes('/') ? 'day1' : ''
      ids.push(upsertProbed(db, { folderId: 1, path: `/lib/${name}`, relDir, name: name.split('/').pop()!, size: 1, mtimeMs: 0, fingerprint: `f${i}` }, { info }))
    }
    const modelId = ensureModelVersion(db, { name: 'vqa-default', version: '1.0.0' } as ModelManifest, '/m')
    const score = (clipId: number, value: number, severities: Record<string, number>, flagged: boolean): void => {
      saveScore(db, {
        clipId, modelId, fingerprint: `f${ids.indexOf(clipId)}`, mode: 'full', segmentSeconds: 4, score: value, levels: null, severities,
        summary: 's', flags: flagged ? [{ rule: 'clip-score', message: 'low', start: 0, end: 8 }] : [], provider: 'cpu', wallMs: 1, modelMs: 1,
        segments: [{ start: 0, end: 8, score: value, levels: null, severities, evidence: {}, explanation: 'e' }]
      })
    }
    score(ids[0]!, 1.6, { noise: 0.9, blur: 0.4 }, true)
    score(ids[1]!, 2.4, { blocking: 0.7 }, true)
    score(ids[2]!, 4.4, { blur: 0.1 }, false)
  })
  afterAll(() => {
    db.close()
    rmSync(dir, { recursive: true, force: true })
  })
  const q = (extra: object) => queryTable(db, { offset: 0, limit: 100, sort: 'score', direction: 'asc', ...extra }).rows.map((r) => r.name)

  it('puts the latest score, flags and strongest distortion on the clip rows, and filters by them', () => {
    const rows = queryTable(db, { offset: 0, limit: 100, sort: 'score', direction: 'asc' }).rows
    expect(rows.map((r) => [r.name, r.score, r.flagged, r.topDistortion])).toEqual([
      ['a.mp4', 1.6, true, 'noise'],
      ['b.mp4', 2.4, true, 'blocking'],
      ['c.mp4', 4.4, false, null]
    ])
    expect(rows[0]!.flags[0]!.message).toBe('low')
    expect(q({ flagged: true })).toEqual(['a.mp4', 'b.mp4'])
    expect(q({ distortion: 'blur' })).toEqual(['a.mp4'])
    expect(q({ scoreMin: 2, scoreMax: 4.5 })).toEqual(['b.mp4', 'c.mp4'])
    expect(q({ scored: false })).toEqual([])
    expect(q({ modelId: 1 })).toHaveLength(3)
    expect(q({ modelId: 99 })).toEqual([])
  })

  it('adds, updates and deletes labels, keeping the clip row in step', () => {
    const a = ids[0]!
    const verdict = addLabel(db, { clipId: a, kind: 'verdict', verdict: 'reject', model: 'vqa-default 1.0.0' }, 1000).label
    const score = addLabel(db, { clipId: a, kind: 'score', score: 1.5 }, 1001).label
    addLabel(db, { clipId: a, kind: 'distortion', distortion: 'noise', start: 0, end: 4 }, 1002)
    expect(q({ labelState: 'rejected' })).toEqual(['a.mp4'])
    expect(q({ labelState: 'labelled' })).toEqual(['a.mp4'])
    expect(q({ labelState: 'unlabelled' })).toEqual(['b.mp4', 'c.mp4'])
    let row = queryTable(db, { offset: 0, limit: 1, sort: 'score', direction: 'asc' }).rows[0]!
    expect([row.review, row.labelScore, row.labelCount]).toEqual(['rejected', 1.5, 3])

    // A new verdict and a new clip score replace the old ones, and say what they replaced.
    expect(addLabel(db, { clipId: a, kind: 'verdict', verdict: 'accept' }, 1003).replaced).toEqual([verdict])
    expect(addLabel(db, { clipId: a, kind: 'score', score: 2 }, 1004).replaced).toEqual([score])
    expect(addLabel(db, { clipId: a, kind: 'score', score: 3, start: 0, end: 1 }, 1005).replaced).toEqual([])
    expect(listLabels(db, { clipId: a, offset: 0, limit: 10 }).rows.map((l) => l.kind).sort()).toEqual(['distortion', 'score', 'score', 'verdict'])
    db.prepare('DELETE FROM labels WHERE clip_id = ? AND start IS NOT NULL AND kind = ?').run(a, 'score')
    expect(() => updateLabel(db, verdict.id, { verdict: 'reject' })).toThrow(/No label/)
    expect(() => deleteLabel(db, score.id)).toThrow(/No label/)

    const latest = listLabels(db, { clipId: a, kind: 'score', offset: 0, limit: 10 }).rows[0]!
    updateLabel(db, latest.id, { score: 2.25 })
    row = queryTable(db, { offset: 0, limit: 1, sort: 'score', direction: 'asc' }).rows[0]!
    expect([row.review, row.labelScore]).toEqual(['accepted', 2.25])
    const removed = deleteLabel(db, latest.id)
    expect(removed.score).toBe(2.25)
    row = queryTable(db, { offset: 0, limit: 1, sort: 'score', direction: 'asc' }).rows[0]!
    expect([row.labelScore, row.labelCount]).toEqual([null, 2])
  })

  it('refuses labels that do not make sense, with the reason', () => {
    const b = ids[1]!
    expect(() => addLabel(db, { clipId: b, kind: 'score' })).toThrow(/needs a score/)
    expect(() => addLabel(db, { clipId: b, kind: 'distortion', distortion: 'noise' })).toThrow(/needs a time range/)
    expect(() => addLabel(db, { clipId: b, kind: 'comment', comment: ' ', start: 1, end: 2 })).toThrow(/needs some text/)
    expect(() => addLabel(db, { clipId: b, kind: 'score', score: 3, start: 5, end: 2 })).toThrow(/ends before it starts/)
    expect(() => addLabel(db, { clipId: 999, kind: 'score', score: 3 })).toThrow(/No clip/)
  })

  it('orders the review queue unreviewed first, worst first', () => {
    expect(reviewQueue(db, 'all').map((c) => [c.name, c.review])).toEqual([['b.mp4', null], ['a.mp4', 'accepted']])
    expect(reviewQueue(db, 'unreviewed').map((c) => c.name)).toEqual(['b.mp4'])
  })

  it('counts the library for the charts', () => {
    const s = libraryStats(db, (id) => id.toUpperCase())
    expect([s.clips, s.scored, s.flagged, s.labelled, s.unreadable]).toEqual([3, 3, 2, 1, 0])
    expect(s.histogram).toHaveLength(16)
    expect(s.histogram.reduce((a, b) => a + b.count, 0)).toBe(3)
    expect(s.histogram.find((b) => b.from <= 1.6 && 1.6 < b.to)!.count).toBe(1)
    expect(s.histogram[13]).toEqual({ from: 4.25, to: 4.5, count: 1 })
    expect(s.distortions).toEqual([
      { id: 'blocking', count: 1, label: 'BLOCKING' },
      { id: 'blur', count: 1, label: 'BLUR' },
      { id: 'noise', count: 1, label: 'NOISE' }
    ])
    expect(s.worst.map((w) => w.name)).toEqual(['a.mp4', 'b.mp4', 'c.mp4'])
    expect(s.models).toEqual([{ id: 1, model: 'vqa-default 1.0.0', clips: 3, mean: expect.closeTo(2.8, 5), latest: 3 }])
  })

  it('exports labels in three formats and imports them back onto the same clips', () => {
    addLabel(db, { clipId: ids[1]!, kind: 'score', score: 2.5 })
    addLabel(db, { clipId: ids[2]!, kind: 'score', score: 4.75 })
    const csv = exportLabels(db, 'csv')
    const jsonl = exportLabels(db, 'jsonl')
    const meta = exportLabels(db, 'meta-json')
    expect(csv.filename).toMatch(/\.csv$/)
    expect(jsonl.count).toBe(2)
    expect(jsonl.text).toContain('"image":["day1/b.mp4"]')
    expect(JSON.parse(meta.text).annotations).toHaveLength(2)

    const before = listLabels(db, { offset: 0, limit: 100 }).total
    for (const l of listLabels(db, { offset: 0, limit: 100 }).rows) deleteLabel(db, l.id)
    const r = importLabels(db, 'csv', csv.text, undefined, 'import:csv')
    expect(r).toEqual({ imported: before, unmatched: [], errors: [] })
    expect(q({ labelState: 'accepted' })).toEqual(['a.mp4'])

    const mos = importLabels(db, 'meta-json', '{"annotations":[{"image_id":"c.mp4","score":"90"},{"image_id":"gone.mp4","score":"10"}]}', { min: 0, max: 100 }, 'x')
    expect(mos).toEqual({ imported: 1, unmatched: ['gone.mp4'], errors: [] })
    expect(queryTable(db, { offset: 0, limit: 100, sort: 'score', direction: 'desc' }).rows[0]!.labelScore).toBeCloseTo(4.6, 5)
  })

  it('keeps settings with defaults, presets bringing their rules, and ignores a corrupt value', () => {
    expect(getSettings(db).flagRules).toEqual(PRESETS.standard)
    expect(setSettings(db, { flagPreset: 'strict' }).flagRules).toEqual(PRESETS.strict)
    setSettings(db, { segmentSeconds: 2, theme: 'dark' })
    db.prepare("UPDATE settings SET value_json = '\"sideways\"' WHERE key = 'mode'").run()
    expect(getSettings(db)).toMatchObject({ segmentSeconds: 2, theme: 'dark', mode: 'full', flagPreset: 'strict' })
    expect(setSettings(db, { segmentSeconds: null }).segmentSeconds).toBeNull()
    expect(() => setSettings(db, { segmentSeconds: 0 })).toThrow()
  })

  it('re-applies new flag rules to stored scores without decoding anything', () => {
    const lenient = { ...PRESETS.lenient, distortion: null, blackOrFrozenSeconds: null }
    const first = reflagBatch(db, lenient, 0, 2)
    expect(first).toMatchObject({ done: 2 })
    const rest = reflagBatch(db, lenient, first.lastId, 2)
    expect(rest.done).toBe(1)
    expect(reflagBatch(db, lenient, rest.lastId).done).toBe(0)
    expect(q({ flagged: true })).toEqual(['a.mp4'])
    expect(first.changed + rest.changed).toBe(2) // a's reason changed wording, b lost its flag
    const back = reflagBatch(db, { clipBelow: 2.8, segmentBelow: null, distortion: null, blackOrFrozenSeconds: null }, 0)
    expect(back.done).toBe(3)
    expect(q({ flagged: true })).toEqual(['a.mp4', 'b.mp4'])
  })

  it('names distortions in re-applied reasons as the pack that scored the clip does', () => {
    const manifest = JSON.parse(readFileSync(join(builtinPackDir(), 'manifest.json'), 'utf8')) as ModelManifest
    const renamed = { ...manifest, distortions: manifest.distortions.map((d) => (d.id === 'blocking' ? { ...d, label: 'Compression blocking' } : d)) }
    db.prepare('UPDATE model_versions SET manifest_json = ?').run(JSON.stringify(renamed))
    reflagBatch(db, { clipBelow: null, segmentBelow: null, distortion: { severity: 0.6, seconds: 4 }, blackOrFrozenSeconds: null }, 0)
    const b = queryTable(db, { offset: 0, limit: 100, sort: 'score', direction: 'asc' }).rows.find((r) => r.name === 'b.mp4')!
    expect(b.flags.map((f) => f.message)).toEqual(['compression blocking ≥ 0.6 for 8.0 s (00:00–00:08)'])
  })

  it('saves, replaces and deletes library views', () => {
    const v = saveView(db, 'Bad noise', { flagged: true, distortion: 'noise' })
    saveView(db, 'Bad noise', { flagged: true })
    expect(listViews(db)).toEqual([{ id: v.id, name: 'Bad noise', query: { flagged: true }, createdAt: v.createdAt }])
    expect(deleteView(db, v.id)).toBe(true)
    expect(listViews(db)).toEqual([])
  })
  it('restores replaced and deleted labels exactly: id, source, times, and the clip row', () => {
    const a = ids[0]!
    const first = addLabel(db, { clipId: a, kind: 'verdict', verdict: 'reject', source: 'import:csv' }, 500).label
    const { label: second, replaced } = addLabel(db, { clipId: a, kind: 'verdict', verdict: 'accept' }, 600)
    expect(replaced).toEqual([first])
    // Undo of the second verdict: delete it, put the first back as it was.
    deleteLabel(db, second.id)
    expect(restoreLabels(db, replaced)).toEqual([first])
    expect(listLabels(db, { clipId: a, kind: 'verdict', offset: 0, limit: 10 }).rows.map((l) => [l.id, l.source, l.createdAt, l.verdict])).toEqual([[first.id, 'import:csv', 500, 'reject']])
    expect(queryTable(db, { offset: 0, limit: 10, sort: 'name', direction: 'asc' }).rows.find((r) => r.id === a)!.review).toBe('rejected')
    // Restoring twice is a no-op; a restored verdict takes the place of whatever verdict is there now.
    expect(restoreLabels(db, replaced)).toEqual([])
    const third = addLabel(db, { clipId: a, kind: 'verdict', verdict: 'accept' }, 700).label
    restoreLabels(db, [{ ...first, id: first.id + 1000 }])
    expect(listLabels(db, { clipId: a, kind: 'verdict', offset: 0, limit: 10 }).rows.map((l) => l.id)).toEqual([first.id + 1000])
    expect(() => deleteLabel(db, third.id)).toThrow(/No label/)
    // The id of a deleted label was given to a newer one before the undo: both end up there.
    const comment = addLabel(db, { clipId: a, kind: 'comment', comment: 'old' }, 800).label
    deleteLabel(db, comment.id)
    const newer = addLabel(db, { clipId: a, kind: 'comment', comment: 'new' }, 900).label
    expect(newer.id).toBe(comment.id)
    const [back] = restoreLabels(db, [comment])
    expect(back!.id).not.toBe(comment.id)
    expect(listLabels(db, { clipId: a, kind: 'comment', offset: 0, limit: 10 }).rows.map((l) => l.comment).sort()).toEqual(['new', 'old'])
  })

})
