/**
 * The review queue's keyboard map, as a pure function of the key event, so the shortcuts shown in the help overlay
 * and the ones that work are the same table, and it is tested without a browser.
 */
export type ReviewAction =
  | { type: 'next' }
  | { type: 'previous' }
  | { type: 'playWorst' }
  | { type: 'togglePlay' }
  | { type: 'verdict'; verdict: 'accept' | 'reject' }
  | { type: 'score'; score: number }
  | { type: 'comment' }
  | { type: 'tag' }
  | { type: 'undo' }
  | { type: 'help' }

export interface KeyLike {
  key: string
  code?: string
  shiftKey: boolean
  altKey: boolean
  ctrlKey: boolean
  metaKey: boolean
}

/**
 * Digits 1–5 set the score; Shift adds ½, Alt adds ¼ (both: ¾), capped at 5. Shift+digit types a symbol on most
 * layouts (Shift+3 is '#' or '£'), so the digit comes from the physical key code when there is one.
 */
export function scoreFromKey(e: KeyLike): number | null {
  const fromCode = e.code ? /^(?:Digit|Numpad)([1-5])$/.exec(e.code)?.[1] : undefined
  const digit = fromCode ?? (/^[1-5]$/.test(e.key) ? e.key : undefined)
  if (!digit) return null
  const extra = (e.shiftKey ? 0.5 : 0) + (e.altKey ? 0.25 : 0)
  return Math.min(5, Number(digit) + extra)
}

export function reviewAction(e: KeyLike): ReviewAction | null {
  const mod = e.ctrlKey || e.metaKey
  if (mod) return e.key.toLowerCase() === 'z' && !e.shiftKey ? { type: 'undo' } : null
  const score = scoreFromKey(e)
  if (score !== null) return { type: 'score', score }
  if (e.altKey) return null
  // Caps Lock (or Shift) gives 'J' rather than 'j'; the letter shortcuts mean the same either way.
  switch (e.key.length === 1 ? e.key.toLowerCase() : e.key) {
    case 'j':
    case 'ArrowDown':
      return { type: 'next' }
    case 'k':
    case 'ArrowUp':
      return { type: 'previous' }
    case 'w':
      return { type: 'playWorst' }
    case ' ':
      return { type: 'togglePlay' }
    case 'a':
      return { type: 'verdict', verdict: 'accept' }
    case 'r':
      return { type: 'verdict', verdict: 'reject' }
    case 'c':
      return { type: 'comment' }
    case 't':
      return { type: 'tag' }
    case 'u':
      return { type: 'undo' }
    case '?':
      return { type: 'help' }
    default:
      return null
  }
}

/** What the help overlay lists, in this order. */
export const SHORTCUTS: ReadonlyArray<{ keys: string; does: string }> = [
  { keys: 'J or ↓', does: 'Next clip' },
  { keys: 'K or ↑', does: 'Previous clip' },
  { keys: 'W', does: 'Play the worst segment' },
  { keys: 'Space', does: 'Play or pause' },
  { keys: 'A', does: 'Accept the clip (its flags are right) and go to the next' },
  { keys: 'R', does: 'Reject the clip (the model got it wrong) and go to the next' },
  { keys: '1 – 5', does: 'Set your score for the clip' },
  { keys: 'Shift + 1 – 4', does: 'Score + ½ (Shift+3 = 3.5)' },
  { keys: 'Alt + 1 – 4', does: 'Score + ¼ (Alt+3 = 3.25; with Shift + ¾)' },
  { keys: 'Drag on the timeline', does: 'Select a time range to tag a distortion' },
  { keys: 'T', does: 'Tag a distortion on the selected range (or the current segment)' },
  { keys: 'C', does: 'Write a comment' },
  { keys: 'U or Ctrl/⌘ + Z', does: 'Undo the last label' },
  { keys: '?', does: 'Show or hide these shortcuts' }
]
