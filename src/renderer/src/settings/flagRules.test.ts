import { describe, expect, it } from 'vitest'
import { parseRuleNumber, presetOf, PRESET_RULES } from './flagRules'

describe('flag rule presets in Settings', () => {
  it('recognise a preset and call anything else custom', () => {
    expect(presetOf(PRESET_RULES.strict)).toBe('strict')
    expect(presetOf({ ...PRESET_RULES.standard, clipBelow: 3 })).toBe('custom')
    expect(presetOf({ ...PRESET_RULES.standard, distortion: null })).toBe('custom')
    expect(presetOf({ ...PRESET_RULES.standard, distortion: { severity: 0.65, seconds: 3 } })).toBe('custom')
  })
  it('ignore key order, and read a missing silence rule as off', () => {
    const { silentSeconds: _omitted, ...rest } = PRESET_RULES.lenient
    const reordered = { distortion: { seconds: 4, severity: 0.85 }, blackOrFrozenSeconds: 4, segmentBelow: 1.5, clipBelow: 2, silentSeconds: 10 }
    expect(presetOf(reordered)).toBe('lenient')
    expect(presetOf(rest)).toBe('custom')
    expect(presetOf({ ...rest, silentSeconds: null })).toBe('custom')
  })
  it('parse a rule value, empty meaning off', () => {
    expect(parseRuleNumber('2.5', 1, 5)).toBe(2.5)
    expect(parseRuleNumber(' ', 1, 5)).toBeNull()
    expect(parseRuleNumber('9', 1, 5)).toBeUndefined()
    expect(parseRuleNumber('x', 1, 5)).toBeUndefined()
  })
})
