import { describe, expect, it } from 'vitest'
import { reviewAction, scoreFromKey, type KeyLike } from './keys'

const key = (k: string, mods: Partial<KeyLike> = {}): KeyLike => ({ key: k, shiftKey: false, altKey: false, ctrlKey: false, metaKey: false, ...mods })

describe('review keys', () => {
  it('score with digits, finer with Shift and Alt, from the physical key when Shift changed the character', () => {
    expect(scoreFromKey(key('3'))).toBe(3)
    expect(scoreFromKey(key('#', { code: 'Digit3', shiftKey: true }))).toBe(3.5)
    expect(scoreFromKey(key('£', { code: 'Digit3', altKey: true }))).toBe(3.25)
    expect(scoreFromKey(key('#', { code: 'Digit3', altKey: true, shiftKey: true }))).toBe(3.75)
    expect(scoreFromKey(key('%', { code: 'Digit5', shiftKey: true }))).toBe(5)
    expect(scoreFromKey(key('6', { code: 'Digit6' }))).toBeNull()
    expect(scoreFromKey(key('2', { code: 'Numpad2' }))).toBe(2)
  })
  it('map the rest of the keys, and leave other shortcuts to the browser', () => {
    expect(reviewAction(key('j'))).toEqual({ type: 'next' })
    expect(reviewAction(key('ArrowUp'))).toEqual({ type: 'previous' })
    expect(reviewAction(key('a'))).toEqual({ type: 'verdict', verdict: 'accept' })
    expect(reviewAction(key('r'))).toEqual({ type: 'verdict', verdict: 'reject' })
    expect(reviewAction(key('z', { ctrlKey: true }))).toEqual({ type: 'undo' })
    expect(reviewAction(key('z', { metaKey: true }))).toEqual({ type: 'undo' })
    expect(reviewAction(key('r', { ctrlKey: true }))).toBeNull()
    expect(reviewAction(key('a', { altKey: true }))).toBeNull()
    expect(reviewAction(key('x'))).toBeNull()
    // Caps Lock: the same shortcuts.
    expect(reviewAction(key('J'))).toEqual({ type: 'next' })
    expect(reviewAction(key('A', { shiftKey: true }))).toEqual({ type: 'verdict', verdict: 'accept' })
    expect(reviewAction(key('?', { shiftKey: true }))).toEqual({ type: 'help' })
  })
})
