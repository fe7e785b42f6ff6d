/**
 * App settings in the catalog (one JSON value per key), so the app, the CLI and browser mode agree. Unknown or
 * invalid stored values fall back to the defaults instead of failing: a settings row must never stop the app.
 */
import { Settings } from '../../shared/contract'
import { PRESETS } from '../scoring/flags'
import type { Db } from './database'

export const DEFAULT_SETTINGS: Settings = {
  theme: 'system',
  segmentSeconds: null,
  mode: 'full',
  flagPreset: 'standard',
  flagRules: PRESETS.standard,
  activeModel: null,
  hwDecode: 'auto'
}

export function getSettings(db: Db): Settings {
  const rows = db.prepare('SELECT key, value_json FROM settings').all() as Array<{ key: string; value_json: string }>
  const merged: Record<string, unknown> = { ...DEFAULT_SETTINGS }
  for (const r of rows) {
    if (!(r.key in DEFAULT_SETTINGS)) continue
    try {
      const value = JSON.parse(r.value_json) as unknown
      const field = Settings.shape[r.key as keyof Settings].safeParse(value)
      if (field.success) merged[r.key] = field.data
    } catch {
      // A hand-edited or corrupt value: keep the default.
    }
  }
  return Settings.parse(merged)
}

export function setSettings(db: Db, patch: Partial<Settings>): Settings {
  const next = { ...getSettings(db), ...patch }
  // Choosing a preset brings its rules; editing the rules by hand is the 'custom' preset.
  if (patch.flagPreset && patch.flagPreset !== 'custom' && !patch.flagRules) next.flagRules = PRESETS[patch.flagPreset]
  Settings.parse(next)
  const put = db.prepare('INSERT INTO settings (key, value_json) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value_json = excluded.value_json')
  db.transaction(() => {
    for (const [k, v] of Object.entries(next)) put.run(k, JSON.stringify(v))
  })()
  return next
}
