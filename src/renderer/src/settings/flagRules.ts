/** Flag-rule presets as the Settings page offers them (the same table the core scores with). */
import type { Settings } from '../../../shared/contract'
import { FLAG_PRESETS, type PresetName } from '../../../shared/flag-presets'

export type FlagRules = Settings['flagRules']
export type { PresetName }
export const PRESET_RULES = FLAG_PRESETS

/** Pure: which preset a rule set is, or 'custom'. Compared value by value: the catalog's key order may differ, and a rule set
 * saved before the silence rule existed has no `silentSeconds`, which the core reads as off (null). */
export function presetOf(rules: FlagRules): PresetName | 'custom' {
  for (const name of Object.keys(PRESET_RULES) as PresetName[]) {
    if (sameRules(PRESET_RULES[name], rules)) return name
  }
  return 'custom'
}

function sameRules(a: FlagRules, b: FlagRules): boolean {
  return (
    a.clipBelow === b.clipBelow &&
    a.segmentBelow === b.segmentBelow &&
    a.blackOrFrozenSeconds === b.blackOrFrozenSeconds &&
    (a.silentSeconds ?? null) === (b.silentSeconds ?? null) &&
    (a.distortion === null || b.distortion === null
      ? a.distortion === b.distortion
      : a.distortion.severity === b.distortion.severity && a.distortion.seconds === b.distortion.seconds)
  )
}

/** Pure: a number field's text as a rule value; '' turns the rule off. Returns undefined when the text is invalid. */
export function parseRuleNumber(text: string, min: number, max: number): number | null | undefined {
  if (text.trim() === '') return null
  const n = Number(text)
  return Number.isFinite(n) && n >= min && n <= max ? n : undefined
}
