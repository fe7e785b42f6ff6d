// Integration: the review methods as a host calls them (through dispatch, so inputs are validated), on an on-disk
// catalog: settings and their events, re-flagging as a job, models, engine status, labels with events.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EventName } from '../../shared/contract'
import { upsertProbed } from '../catalog/clips'
import { dispatch } from './dispatch'
import { createCore, type Core } from './core'

let dir: string
let core: Core
const events: Array<{ event: EventName; payload: unknown }> = []

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vqa-review-api-'))
  core = createCore({ dataDir: join(dir, 'data'), host: 'cli', version: 'test', resumeJobs: false })
  core.subscribe((event, payload) => events.push({ event, payload }))
  core.db.prepare('INSERT INTO folders (id, path, added_at) VALUES (1, ?, 0)').run(join(dir, 'lib'))
  upsertProbed(core.db, { folderId: 1, path: join(dir, 'lib', 'a.mp4'), relDir: '', name: 'a.mp4', size: 1, mtimeMs: 0, fingerprint: 'f' }, { error: 'x' })
})
afterAll(async () => {
  await core.close()
  rmSync(dir, { recursive: true, force: true })
})

const call = async (method: string, input: unknown): Promise<unknown> => {
  const r = await dispatch(core.handlers, method, input)
  if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code })
  return r.value
}

describe('review API', () => {
  it('validates inputs before any handler runs', async () => {
    await expect(call('labels.add', { clipId: 1, kind: 'score', score: 7 })).rejects.toMatchObject({ code: 'invalid_input' })
    await expect(call('settings.set', { theme: 'purple' })).rejects.toMatchObject({ code: 'invalid_input' })
    await expect(call('settings.set', { sneaky: 1 })).rejects.toMatchObject({ code: 'invalid_input' })
    await expect(call('labels.delete', { id: 12345 })).rejects.toMatchObject({ code: 'not_found' })
  })

  it('saves labels and tells every window', async () => {
    events.length = 0
    const { label } = (await call('labels.add', { clipId: 1, kind: 'comment', comment: 'check audio' })) as { label: { id: number } }
    expect(events.map((e) => e.event)).toEqual(['labels.onDidChange', 'library.onDidChange'])
    expect((await call('labels.list', { clipId: 1 })) as { total: number }).toMatchObject({ total: 1 })
    const deleted = await call('labels.delete', { id: label.id })
    expect((await call('labels.list', {})) as { total: number }).toMatchObject({ total: 0 })
    // Undo of the delete: the label comes back as it was, and the windows hear of it.
    events.length = 0
    expect(await call('labels.restore', { labels: [deleted] })).toEqual([deleted])
    expect(events.map((e) => e.event)).toContain('labels.onDidChange')
    await call('labels.delete', { id: label.id })
  })

  it('changes settings, announces them, and re-flags scored clips in a job when the rules change', async () => {
    events.length = 0
    const next = (await call('settings.set', { flagPreset: 'lenient' })) as { flagRules: { clipBelow: number } }
    expect(next.flagRules.clipBelow).toBe(2)
    expect(events.some((e) => e.event === 'settings.onDidChange')).toBe(true)
    await core.jobs.idle()
    const jobs = (await call('jobs.list', {})) as Array<{ kind: string; state: string; summary: string }>
    expect(jobs.find((j) => j.kind === 'reflag')).toMatchObject({ state: 'done', summary: expect.stringMatching(/^Flag rules applied to 0 scored clips/) })
    // The theme alone does not touch flags.
    const before = jobs.length
    await call('settings.set', { theme: 'dark' })
    await core.jobs.idle()
    expect(((await call('jobs.list', {})) as unknown[]).length).toBe(before)
    expect(await call('settings.get', {})).toMatchObject({ theme: 'dark', flagPreset: 'lenient' })
  })

  it('lists the built-in pack as active with its honest provenance, and reports the engine', async () => {
    const packs = (await call('models.list', {})) as Array<{ name: string; active: boolean; humanOpinionScores: boolean; distortions: Array<{ id: string }> }>
    const builtin = packs.find((p) => p.name === 'vqa-default')
    expect(builtin).toMatchObject({ active: true, humanOpinionScores: false })
    expect(builtin!.distortions.map((d) => d.id)).toContain('blocking')
    await expect(call('models.activate', { dir: join(dir, 'nowhere') })).rejects.toMatchObject({ code: 'not_found' })
    await expect(call('models.import', { path: join(dir, 'nowhere') })).rejects.toMatchObject({ code: 'invalid_pack' })
    const engine = (await call('engine.status', {})) as { requested: string; provider: string }
    expect(engine.requested).toBe('auto')
    expect(['cpu', 'cuda']).toContain(engine.provider)
  })

  it('decodes as the hardware-decoding setting says, and says how and why', async () => {
    // The test process must not carry the override, or the setting would rightly be ignored.
    expect(process.env['VQA_HWACCEL']).toBeUndefined()
    type Decode = { preference: string; source: string; method: string | null; rejected: Array<{ method: string; reason: string }> }
    const decode = async (): Promise<Decode> => ((await call('engine.status', {})) as { decode: Decode }).decode
    const auto = await decode()
    expect(auto).toMatchObject({ preference: 'auto', source: 'settings' })
    // Either a method passed its test decode, or each one tried says why not.
    if (auto.method === null) for (const r of auto.rejected) expect(r.reason.length).toBeGreaterThan(0)
    await call('settings.set', { hwDecode: 'off' })
    expect(await decode()).toEqual({ preference: 'off', source: 'settings', method: null, rejected: [] })
    await expect(call('settings.set', { hwDecode: 'cuda' })).rejects.toMatchObject({ code: 'invalid_input' })
    await call('settings.set', { hwDecode: 'auto' })
    expect((await decode()).preference).toBe('auto')
  })

  it('saves views and reports library statistics', async () => {
    await call('views.save', { name: 'Broken', query: { filters: { status: 'error' } } })
    expect(((await call('views.list', {})) as Array<{ name: string }>).map((v) => v.name)).toEqual(['Broken'])
    const stats = (await call('stats.library', {})) as { clips: number; scored: number; histogram: unknown[] }
    expect(stats).toMatchObject({ clips: 0, scored: 0 })
    expect(stats.histogram).toHaveLength(16)
  })
})
