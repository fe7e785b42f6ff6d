import { describe, expect, it } from 'vitest'
import { parseRuleNumber, presetOf, PRESET_RULES } from './flagRules'

describe('flag rule presets in Settings', () => {
  it('recognise a preset and call anything else custom', () => {
    expect(presetOf(PRESET_RULES.strict)).toBe('strict')
    expect(presetOf({ ...PRESET_RULES.standard, clipBelow: 3 })).toBe('custom')
  })
  it('parse a rule value, empty meaning off', () => {
    expect(parseRuleNumber('2.5', 1, 5)).toBe(2.5)
    expect(parseRuleNumber(' ', 1, 5)).toBeNull()
    expect(parseRuleNumber('9', 1, 5)).toBeUndefined()
    expect(parseRuleNumber('x', 1, 5)).toBeUndefined()
  })
})
