// Integration: a real core on an on-disk catalog, a real ffmpeg-made clip, the real HTTP + WebSocket server.
import { get } from 'node:http'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { createCore, type Core } from '../core/api/core'
import { makeClip } from '../core/testing/media-fixtures'
import { startServer, type RunningServer } from './server'

let dir: string
let core: Core
let server: RunningServer
let base: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vqa-server-'))
  const renderer = join(dir, 'renderer')
  mkdirSync(renderer)
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>VQA</title>')
  mkdirSync(join(dir, 'footage'))
  await makeClip(join(dir, 'footage', 'clip one.mp4'), { seconds: 1 })
  core = createCore({ dataDir: join(dir, 'data'), host: 'browser', version: 'test', urls: { clip: (id) => `/media/clip/${id}`, thumbnailBase: '/media/thumb/' } })
  server = await startServer({ core, rendererDir: renderer })
  base = `http://127.0.0.1:${server.port}`
})

afterAll(async () => {
  await server?.close()
  await core?.close()
  rmSync(dir, { recursive: true, force: true })
})

const withCookie = () => ({ headers: { cookie: `vqa_session_${server.port}=${server.token}` } })

function call(ws: WebSocket, id: number, method: string, input: unknown): Promise<{ ok: boolean; value?: unknown; error?: { code: string } }> {
  return new Promise((resolve) => {
    const onMessage = (data: unknown) => {
      const msg = JSON.parse(String(data)) as { type: string; id?: number }
      if (msg.type === 'result' && msg.id === id) {
        ws.off('message', onMessage)
        resolve(msg as never)
      }
    }
    ws.on('message', onMessage)
    ws.send(JSON.stringify({ type: 'call', id, method, input }))
  })
}

describe('browser-mode server', () => {
  it('refuses requests without the token and sets the session cookie with it', async () => {
    expect((await fetch(`${base}/`)).status).toBe(401)
    const first = await fetch(`${base}/?token=${server.token}`, { redirect: 'manual' })
    expect(first.status).toBe(303)
    expect(first.headers.get('set-cookie')).toMatch(/vqa_session_\d+=.*HttpOnly; SameSite=Strict/)
    const page = await fetch(`${base}/`, withCookie())
    expect(page.status).toBe(200)
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'self'/)
    // fetch() will not send a foreign Host header, so use http.get as a rebinding attacker's page effectively would.
    const status = await new Promise<number | undefined>((resolve) =>
      get({ host: '127.0.0.1', port: server.port, path: '/', headers: { ...withCookie().headers, host: 'evil.example' } }, (res) => {
        res.resume()
        resolve(res.statusCode)
      })
    )
    expect(status).toBe(421)
  })

  it('serves no file outside the renderer and the catalog', async () => {
    expect((await fetch(`${base}/..%2f..%2fetc%2fpasswd`, withCookie())).status).toBe(404)
    expect((await fetch(`${base}/media/clip/999`, withCookie())).status).toBe(404)
  })

  it('speaks the contract over the WebSocket, validating input, and streams media with ranges', async () => {
    const rejected = new WebSocket(`${base.replace('http', 'ws')}/ws`, { headers: { origin: base } })
    await new Promise((r) => rejected.on('error', r))
    // A malformed cookie on the upgrade is refused, and the server stays up.
    const malformed = new WebSocket(`${base.replace('http', 'ws')}/ws`, { headers: { origin: base, cookie: `vqa_session_${server.port}=%` } })
    await new Promise((r) => malformed.on('error', r))

    const ws = new WebSocket(`${base.replace('http', 'ws')}/ws`, { headers: { origin: base, cookie: `vqa_session_${server.port}=${server.token}` } })
    await new Promise((r) => ws.on('open', r))
    const events: string[] = []
    ws.on('message', (d) => {
      const m = JSON.parse(String(d)) as { type: string; event?: string }
      if (m.type === 'event' && m.event) events.push(m.event)
    })
    const bad = await call(ws, 1, 'folders.add', { path: 42 })
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input' } })
    expect(await call(ws, 2, 'nope.nothing', {})).toMatchObject({ ok: false, error: { code: 'unknown_method' } })
    expect(await call(ws, 3, 'clips.get', { id: 1, extra: true })).toMatchObject({ ok: false, error: { code: 'invalid_input' } })

    const added = await call(ws, 4, 'folders.add', { path: join(dir, 'footage') })
    expect(added.ok).toBe(true)
    await core.jobs.idle()
    const page = (await call(ws, 5, 'clips.query', { sort: 'name' })) as { value: { total: number; rows: Array<{ id: number; name: string }> } }
    expect(page.value.total).toBe(1)
    expect(page.value.rows[0]?.name).toBe('clip one.mp4')
    expect(events).toContain('jobs.onProgress')
    expect(events).toContain('library.onDidChange')
    ws.close()

    const id = page.value.rows[0]!.id
    const ranged = await fetch(`${base}/media/clip/${id}`, { headers: { ...withCookie().headers, range: 'bytes=0-99' } })
    expect(ranged.status).toBe(206)
    expect(ranged.headers.get('content-type')).toBe('video/mp4')
    expect((await ranged.arrayBuffer()).byteLength).toBe(100)
    const thumb = await fetch(`${base}/media/thumb/${id}`, withCookie())
    expect(thumb.status).toBe(200)
    expect(thumb.headers.get('content-type')).toBe('image/jpeg')
    expect((await thumb.arrayBuffer()).byteLength).toBeGreaterThan(500)
  })
})
