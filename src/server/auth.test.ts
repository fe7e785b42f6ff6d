import { describe, expect, it } from 'vitest'
import { authorise, cookieTokens, hostAllowed, originAllowed } from './auth'

const req = (path: string, cookie?: string, authorization?: string) => ({ url: new URL(path, 'http://127.0.0.1'), cookie, authorization })

describe('browser-mode auth', () => {
  it('accepts the token from the query (setting the cookie), the cookie, or a bearer header', () => {
    expect(authorise('s3cret', req('/?token=s3cret'))).toEqual({ ok: true, setCookie: true })
    expect(authorise('s3cret', req('/', 'a=1; vqa_session=s3cret'))).toEqual({ ok: true, setCookie: false })
    expect(authorise('s3cret', req('/', undefined, 'Bearer s3cret')).ok).toBe(true)
  })
  it('refuses anything else', () => {
    expect(authorise('s3cret', req('/')).ok).toBe(false)
    expect(authorise('s3cret', req('/?token=s3cre')).ok).toBe(false)
    expect(authorise('s3cret', req('/', 'vqa_session=nope')).ok).toBe(false)
    expect(cookieTokens(undefined, 'vqa_session')).toEqual([])
    // A planted cookie of the same name, or a malformed one, does not hide the real one.
    expect(authorise('s3cret', req('/', 'vqa_session=x; vqa_session=%; vqa_session=s3cret')).ok).toBe(true)
  })
  it('only answers loopback Host names when bound to loopback (DNS rebinding)', () => {
    expect(hostAllowed('127.0.0.1:5123', true)).toBe(true)
    expect(hostAllowed('localhost:5123', true)).toBe(true)
    expect(hostAllowed('[::1]:5123', true)).toBe(true)
    expect(hostAllowed('evil.example:5123', true)).toBe(false)
    expect(hostAllowed(undefined, true)).toBe(false)
    expect(hostAllowed('192.168.1.5:80', false)).toBe(true)
  })
  it('requires a same-origin WebSocket', () => {
    expect(originAllowed('http://127.0.0.1:5123', '127.0.0.1:5123')).toBe(true)
    expect(originAllowed('http://evil.example', '127.0.0.1:5123')).toBe(false)
    expect(originAllowed(undefined, '127.0.0.1:5123')).toBe(false)
  })
})
