/**
 * Browser mode: the same renderer, served from a loopback HTTP server, talking to the same core over a WebSocket.
 * For machines without a display (or without the Electron binary). Only the built renderer and catalogued media are
 * ever served.
 */
import { randomBytes } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize, resolve, sep } from 'node:path'
import { WebSocketServer, type WebSocket } from 'ws'
import { ClientMessage, MEDIA_PATH, PREVIEW_PATH, STRIP_PATH, THUMB_PATH, WS_PATH, type ServerMessage } from '../shared/wire'
import { dispatch } from '../core/api/dispatch'
import type { Core, MediaUrls } from '../core/api/core'
import { fileResponse } from '../core/media/range'
import { authorise, cookieName, hostAllowed, originAllowed } from './auth'

export interface ServeOptions {
  core: Core
  /** The built renderer (out/renderer). */
  rendererDir: string
  host?: string
  port?: number
  token?: string
}

export interface RunningServer {
  url: string
  token: string
  port: number
  close(): Promise<void>
}

const STATIC_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json'
}

// The same policy as the renderer's meta tag, sent as a header so it also covers anything the meta tag cannot.
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; media-src 'self'; " +
  "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

/** The media URLs a core behind this server must hand out (its renderer cannot load vqa-media:). */
export const browserMediaUrls: MediaUrls = {
  clip: (id) => `${MEDIA_PATH}${id}`,
  thumbnailBase: THUMB_PATH,
  preview: (id) => `${PREVIEW_PATH}${id}`,
  strip: (id) => `${STRIP_PATH}${id}`
}

const isLoopback = (h: string): boolean => h === '127.0.0.1' || h === 'localhost' || h === '::1' || h.startsWith('127.')

export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const { core } = opts
  const host = opts.host ?? '127.0.0.1'
  const token = opts.token ?? randomBytes(24).toString('base64url')
  const loopback = isLoopback(host)
  const rendererDir = resolve(opts.rendererDir)

  const deny = (res: ServerResponse, status: number, message: string): void => {
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' })
    res.end(message)
  }

  const serveStatic = async (res: ServerResponse, urlPath: string, headers: Record<string, string>): Promise<void> => {
    const rel = urlPath === '/' ? 'index.html' : decodeURIComponent(urlPath.slice(1))
    const file = normalize(join(rendererDir, rel))
    if (!file.startsWith(rendererDir + sep)) return deny(res, 404, 'Not found')
    try {
      const s = await stat(file)
      if (!s.isFile()) return deny(res, 404, 'Not found')
      res.writeHead(200, {
        ...headers,
        'Content-Type': STATIC_TYPES[extname(file)] ?? 'application/octet-stream',
        'Content-Length': String(s.size),
        'Content-Security-Policy': CSP,
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
        'Cache-Control': rel === 'index.html' ? 'no-store' : 'max-age=3600'
      })
      createReadStream(file).pipe(res)
    } catch {
      deny(res, 404, 'Not found')
    }
  }

  const serveFile = async (req: IncomingMessage, res: ServerResponse, file: string | null): Promise<void> => {
    if (!file) return deny(res, 404, 'Not in the catalog')
    try {
      const r = await fileResponse(file, req.headers.range)
      res.writeHead(r.status, r.headers)
      if (!r.body || req.method === 'HEAD') {
        r.body?.destroy()
        res.end()
        return
      }
      r.body.on('error', () => res.destroy())
      res.on('close', () => r.body?.destroy())
      r.body.pipe(res)
    } catch {
      deny(res, 404, 'File is gone')
    }
  }

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!hostAllowed(req.headers.host, loopback)) return deny(res, 421, 'Wrong host')
    let url: URL
    try {
      url = new URL(req.url ?? '/', 'http://localhost')
    } catch {
      return deny(res, 400, 'Bad request')
    }
    const auth = authorise(token, { url, cookie: req.headers.cookie, authorization: req.headers.authorization }, cookie())
    if (!auth.ok) return deny(res, 401, 'This VQA Inspector session needs the link printed in the terminal (with its token).')
    if (req.method !== 'GET' && req.method !== 'HEAD') return deny(res, 405, 'Method not allowed')
    const headers: Record<string, string> = auth.setCookie
      ? { 'Set-Cookie': `${cookie()}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/` }
      : {}
    if (auth.setCookie && url.pathname === '/') {
      // Drop the token from the address bar (and from history) once the cookie carries it.
      res.writeHead(303, { ...headers, Location: '/' })
      res.end()
      return
    }
    const idOf = (prefix: string): number | null => {
      const n = Number(url.pathname.slice(prefix.length))
      return Number.isInteger(n) && n > 0 ? n : null
    }
    if (url.pathname.startsWith(MEDIA_PATH)) {
      const id = idOf(MEDIA_PATH)
      return serveFile(req, res, id === null ? null : core.clipFile(id))
    }
    if (url.pathname.startsWith(THUMB_PATH)) {
      const id = idOf(THUMB_PATH)
      return serveFile(req, res, id === null ? null : await core.thumbnailFile(id))
    }
    if (url.pathname.startsWith(PREVIEW_PATH)) {
      const id = idOf(PREVIEW_PATH)
      return serveFile(req, res, id === null ? null : await core.previewFile(id))
    }
    if (url.pathname.startsWith(STRIP_PATH)) {
      const id = idOf(STRIP_PATH)
      return serveFile(req, res, id === null ? null : await core.stripFile(id))
    }
    return serveStatic(res, url.pathname, headers)
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) deny(res, 500, 'Internal error')
      else res.destroy()
    })
  })

  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 })
  const sockets = new Set<WebSocket>()
  const unsubscribe = core.subscribe((event, payload) => {
    const msg: ServerMessage = { type: 'event', event, payload }
    const text = JSON.stringify(msg)
    for (const s of sockets) if (s.readyState === s.OPEN) s.send(text)
  })

  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy())
    let allowed = false
    try {
      // Anything malformed (URL, cookie) is a refusal, never an exception: this runs outside any request handler.
      const url = new URL(req.url ?? '/', 'http://localhost')
      const auth = authorise(token, { url, cookie: req.headers.cookie, authorization: req.headers.authorization }, cookie())
      allowed =
        url.pathname === WS_PATH && hostAllowed(req.headers.host, loopback) && originAllowed(req.headers.origin, req.headers.host) && auth.ok
    } catch {
      allowed = false
    }
    if (!allowed) {
      socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n')
      socket.destroy()
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws)
      ws.on('error', () => ws.terminate())
      ws.on('close', () => sockets.delete(ws))
      ws.on('message', (data) => {
        let msg: ClientMessage
        try {
          msg = ClientMessage.parse(JSON.parse(String(data)))
        } catch {
          ws.close(1003, 'Malformed message')
          return
        }
        void dispatch(core.handlers, msg.method, msg.input).then((r) => {
          const reply: ServerMessage = r.ok
            ? { type: 'result', id: msg.id, ok: true, value: r.value }
            : { type: 'result', id: msg.id, ok: false, error: r.error }
          if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(reply))
        })
      })
    })
  })

  await new Promise<void>((ok, fail) => {
    server.once('error', fail)
    server.listen(opts.port ?? 0, host, () => ok())
  })
  const port = (server.address() as AddressInfo).port
  function cookie(): string {
    return cookieName(port)
  }
  const shownHost = host.includes(':') ? `[${host}]` : host
  return {
    url: `http://${shownHost}:${port}/?token=${token}`,
    token,
    port,
    async close() {
      unsubscribe()
      for (const s of sockets) s.terminate()
      wss.close()
      await new Promise<void>((ok) => server.close(() => ok()))
    }
  }
}

