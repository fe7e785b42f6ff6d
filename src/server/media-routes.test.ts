// Integration: the clip page's media through a real core (on-disk catalog) and the browser-mode routes.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PreviewState } from '../shared/contract'
import { browserMediaUrls, startServer, type RunningServer } from './server'
import { makeClip } from '../core/testing/media-fixtures'
import { createCore, type Core } from '../core/api/core'

let dir: string
let core: Core
let server: RunningServer
let clipId: number

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vqa-clip-media-'))
  mkdirSync(join(dir, 'renderer'))
  writeFileSync(join(dir, 'renderer', 'index.html'), '<!doctype html><title>VQA</title>')
  await makeClip(join(dir, 'footage', 'old.avi'), { codec: 'mpeg4', seconds: 2 })
  core = createCore({ dataDir: join(dir, 'data'), host: 'browser', version: 'test', urls: browserMediaUrls, resumeJobs: true })
  const { jobId } = await core.handlers['folders.add']({ path: join(dir, 'footage') })
  for (let i = 0; i < 300 && core.jobs.list().find((j) => j.id === jobId)?.state !== 'done'; i++) await new Promise((r) => setTimeout(r, 100))
  clipId = (await core.handlers['clips.query']({ offset: 0, limit: 10, sort: 'name', direction: 'asc' })).rows[0]!.id
  server = await startServer({ core, rendererDir: join(dir, 'renderer') })
})

afterAll(async () => {
  await server?.close()
  await core?.close()
  rmSync(dir, { recursive: true, force: true })
})

const get = (path: string, headers: Record<string, string> = {}) =>
  fetch(`http://127.0.0.1:${server.port}${path}`, { headers: { cookie: `vqa_session_${server.port}=${server.token}`, ...headers } })

describe('clip media', () => {
  it('hands out the strip URL and serves the sprite', async () => {
    const clip = await core.handlers['clips.get']({ id: clipId })
    expect(clip.stripUrl).toBe(`/media/strip/${clipId}`)
    const res = await get(clip.stripUrl!)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('image/jpeg')
  })

  it('caches scene cuts per clip and fingerprint', async () => {
    expect(await core.handlers['clips.sceneCuts']({ id: clipId })).toEqual({ cuts: expect.any(Array) })
    const row = core.db.prepare('SELECT cuts_json FROM scene_cuts WHERE clip_id = ?').get(clipId) as { cuts_json: string }
    expect(JSON.parse(row.cuts_json)).toBeInstanceOf(Array)
    await expect(core.handlers['clips.sceneCuts']({ id: 9999 })).rejects.toThrow(/No clip/)
  })

  it('makes a preview with progress events and serves it with ranges; nothing for unknown ids', async () => {
    const events: PreviewState[] = []
    const off = core.subscribe((event, payload) => {
      if (event === 'preview.onProgress') events.push(payload as PreviewState)
    })
    expect((await get(`/media/preview/${clipId}`)).status).toBe(404)
    expect(await core.handlers['clips.preview']({ id: clipId, start: false })).toMatchObject({ state: 'none', url: null })
    expect((await core.handlers['clips.preview']({ id: clipId, start: true })).state).toBe('working')
    await expect.poll(() => events.at(-1)?.state, { timeout: 30_000 }).toBe('ready')
    off()
    expect(events.at(-1)).toEqual({ clipId, state: 'ready', progress: 1, url: `/media/preview/${clipId}`, error: null })
    const part = await get(`/media/preview/${clipId}`, { range: 'bytes=0-99' })
    expect(part.status).toBe(206)
    expect(part.headers.get('content-type')).toBe('video/mp4')
    expect((await get('/media/preview/9999')).status).toBe(404)
    expect((await get('/media/strip/9999')).status).toBe(404)
  })
})
