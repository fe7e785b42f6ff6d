/**
 * Browser mode's guard. The server listens on loopback, but any web page the user visits could still talk to
 * 127.0.0.1, so every request must carry the per-launch token (query string once, then an HttpOnly cookie) and
 * name a loopback Host (defeats DNS rebinding). WebSocket upgrades must also come from our own origin.
 */
import { timingSafeEqual } from 'node:crypto'

/** Cookies ignore ports, so each server names its own: two `vqa serve` on one machine do not overwrite each other. */
export const cookieName = (port: number): string => `vqa_session_${port}`

export function tokensEqual(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/** Every value of cookie `name` (another page on 127.0.0.1 may have planted one of the same name). */
export function cookieTokens(cookieHeader: string | undefined, name: string): string[] {
  if (!cookieHeader) return []
  const out: string[] = []
  for (const part of cookieHeader.split(';')) {
    const [k, ...v] = part.trim().split('=')
    if (k !== name) continue
    try {
      out.push(decodeURIComponent(v.join('=')))
    } catch {
      // malformed escapes: not our cookie
    }
  }
  return out
}

const LOOPBACK_HOST = /^(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])(:\d+)?$/i

/** Pure: is this Host header one we serve? Binding to another interface opts out of the loopback check. */
export function hostAllowed(host: string | undefined, boundToLoopback: boolean): boolean {
  if (!host) return false
  return boundToLoopback ? LOOPBACK_HOST.test(host) : true
}

export function originAllowed(origin: string | undefined, host: string | undefined): boolean {
  if (!origin) return false
  try {
    return new URL(origin).host === host
  } catch {
    return false
  }
}

export interface AuthDecision {
  ok: boolean
  /** Set the cookie on this response (the token came in the query string). */
  setCookie: boolean
}

export function authorise(
  token: string,
  req: { url: URL; cookie: string | undefined; authorization: string | undefined },
  cookie = 'vqa_session'
): AuthDecision {
  const q = req.url.searchParams.get('token')
  if (q && tokensEqual(q, token)) return { ok: true, setCookie: true }
  if (cookieTokens(req.cookie, cookie).some((c) => tokensEqual(c, token))) return { ok: true, setCookie: false }
  const bearer = req.authorization?.startsWith('Bearer ') ? req.authorization.slice(7) : null
  if (bearer && tokensEqual(bearer, token)) return { ok: true, setCookie: false }
  return { ok: false, setCookie: false }
}
