import { afterEach, beforeEach, describe, it, expect, vi } from 'vitest'
import { ApiError } from '../../shared/contract'
import { createSocketApi, type SocketHandlers } from './socketClient'

/** A socket we drive by hand: open it, answer it, drop it. */
class FakeServer {
  sockets: { url: string; handlers: SocketHandlers; sent: string[]; closed: boolean }[] = []

  factory = (url: string, handlers: SocketHandlers) => {
    const s = { url, handlers, sent: [] as string[], closed: false }
    this.sockets.push(s)
    return {
      send: (data: string) => s.sent.push(data),
      close: () => {
        s.closed = true
      }
    }
  }

  get last() {
    const s = this.sockets[this.sockets.length - 1]
    if (!s) throw new Error('no socket yet')
    return s
  }

  calls() {
    return this.last.sent.map((d) => JSON.parse(d) as { type: string; id: number; method: string; input: unknown })
  }

  reply(message: unknown) {
    this.last.handlers.onMessage(JSON.stringify(message))
  }
}

const okTime = { ok: true } as const

describe('createSocketApi', () => {
  let server: FakeServer
  const warn = vi.fn()

  beforeEach(() => {
    vi.useFakeTimers()
    server = new FakeServer()
    warn.mockReset()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  const make = () => createSocketApi({ url: 'ws://host/ws', createSocket: server.factory, backoff: (n) => n * 100, warn })

  it('queues calls until the socket opens, then sends them in order', async () => {
    const api = make()
    expect(api.connection.getState()).toBe('connecting')
    const a = api.invoke('folders.list', {})
    const b = api.invoke('clips.get', { id: 3 })
    expect(server.last.sent).toHaveLength(0)

    server.last.handlers.onOpen()
    expect(api.connection.getState()).toBe('open')
    const calls = server.calls()
    expect(calls.map((c) => [c.type, c.method, c.input])).toEqual([
      ['call', 'folders.list', {}],
      ['call', 'clips.get', { id: 3 }]
    ])

    server.reply({ type: 'result', id: calls[1]?.id, ...okTime, value: { id: 3 } })
    server.reply({ type: 'result', id: calls[0]?.id, ...okTime, value: [] })
    await expect(a).resolves.toEqual([])
    await expect(b).resolves.toEqual({ id: 3 })
  })

  it('rejects with ApiError carrying the wire code', async () => {
    const api = make()
    server.last.handlers.onOpen()
    const p = api.invoke('clips.get', { id: 99 })
    server.reply({ type: 'result', id: server.calls()[0]?.id, ok: false, error: { code: 'not_found', message: 'No clip 99' } })
    const error = await p.catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ code: 'not_found', message: 'No clip 99' })
  })

  it('dispatches valid events and drops malformed ones', () => {
    const api = make()
    server.last.handlers.onOpen()
    const seen: unknown[] = []
    const off = api.on('library.onDidChange', (p) => seen.push(p))
    server.reply({ type: 'event', event: 'library.onDidChange', payload: { folderIds: [1], reason: 'scan' } })
    server.reply({ type: 'event', event: 'library.onDidChange', payload: { folderIds: 'nope' } })
    server.reply({ type: 'event', event: 'no.such.event', payload: {} })
    server.last.handlers.onMessage('not json')
    server.reply({ type: 'mystery' })
    expect(seen).toEqual([{ folderIds: [1], reason: 'scan' }])
    off()
    server.reply({ type: 'event', event: 'library.onDidChange', payload: { folderIds: [2], reason: 'scan' } })
    expect(seen).toHaveLength(1)
    expect(warn).toHaveBeenCalled()
  })

  it('reconnects with backoff, rejects calls that were in flight and keeps queued ones', async () => {
    const api = make()
    const states: string[] = []
    api.connection.subscribe(() => states.push(api.connection.getState()))
    server.last.handlers.onOpen()
    const inFlight = api.invoke('folders.list', {})
    server.last.handlers.onClose()
    expect(api.connection.getState()).toBe('reconnecting')
    await expect(inFlight).rejects.toMatchObject({ code: 'disconnected' })

    const queued = api.invoke('app.info', {})
    expect(server.sockets).toHaveLength(1)
    vi.advanceTimersByTime(100)
    expect(server.sockets).toHaveLength(2)

    // The retry fails too: the next wait is longer.
    server.last.handlers.onClose()
    vi.advanceTimersByTime(199)
    expect(server.sockets).toHaveLength(2)
    vi.advanceTimersByTime(1)
    expect(server.sockets).toHaveLength(3)

    server.last.handlers.onOpen()
    const [call] = server.calls()
    expect(call?.method).toBe('app.info')
    server.reply({ type: 'result', id: call?.id, ok: true, value: { version: '1' } })
    await expect(queued).resolves.toEqual({ version: '1' })
    expect(states).toEqual(['open', 'reconnecting', 'open'])
  })

  it('stops after dispose', async () => {
    const api = make()
    const p = api.invoke('folders.list', {})
    api.dispose()
    await expect(p).rejects.toMatchObject({ code: 'disposed' })
    expect(server.last.closed).toBe(true)
    server.last.handlers.onClose()
    vi.advanceTimersByTime(10_000)
    expect(server.sockets).toHaveLength(1)
  })
})
