/**
 * The measurements each distortion's explanation quotes, by the default pack's measurement names: the core's
 * sentences (core/engine/explain.ts) and the review UI's evidence line read the same keys, so the numbers shown beside
 * a finding are the ones its sentence is built from. A pack's own distortion ids that are not here quote nothing.
 */
export const EVIDENCE_KEYS: Readonly<Record<string, readonly string[]>> = {
  blur: ['blur', 'detail'],
  noise: ['noise'],
  blocking: ['blocking', 'motion'],
  banding: ['contours', 'flat'],
  underexposure: ['luma', 'clipped_low', 'clipped_high'],
  overexposure: ['luma', 'clipped_high'],
  low_contrast: ['contrast'],
  color_cast: ['cast_cb', 'cast_cr', 'black_tint', 'white_tint'],
  saturation: ['saturation', 'gamut_clip'],
  interlacing: ['combing'],
  freeze: ['repeated_frames'],
  stutter: ['judder', 'repeated_frames'],
  flicker: ['flicker'],
  shake: ['shake'],
  black: ['black_frames']
}
