/** The flag-rule presets, shared so the core's scoring and the Settings page offer the same three. */
export interface FlagRuleValues {
  /** Flag when the pooled clip score is below this. */
  clipBelow: number | null
  /** Flag when any segment scores below this. */
  segmentBelow: number | null
  /** Flag when a distortion's severity stays at or above `severity` for at least `seconds`. */
  distortion: { severity: number; seconds: number } | null
  /** Flag black or frozen stretches at least this long (seconds), whatever the score. */
  blackOrFrozenSeconds: number | null
  /** Flag silent stretches of the first audio track at least this long (seconds); clips without audio never. */
  silentSeconds?: number | null
}

export type PresetName = 'lenient' | 'standard' | 'strict'

export const FLAG_PRESETS: Readonly<Record<PresetName, FlagRuleValues>> = {
  lenient: { clipBelow: 2.0, segmentBelow: 1.5, distortion: { severity: 0.85, seconds: 4 }, blackOrFrozenSeconds: 4, silentSeconds: 10 },
  standard: { clipBelow: 2.8, segmentBelow: 2.0, distortion: { severity: 0.65, seconds: 2 }, blackOrFrozenSeconds: 1, silentSeconds: 5 },
  strict: { clipBelow: 3.5, segmentBelow: 2.5, distortion: { severity: 0.45, seconds: 2 }, blackOrFrozenSeconds: 0.5, silentSeconds: 2 }
}
