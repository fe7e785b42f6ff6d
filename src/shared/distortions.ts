/**
 * Pure: a distortion as words — the pack's label for it where there is one, else its id with spaces (a distortion
 * the active pack no longer has, or one an imported pack does not label). Every place that names a distortion to a
 * person reads it the same way.
 */
export function distortionName(id: string, label?: string): string {
  return label ?? id.replace(/_/g, ' ')
}

/** Pure: the same name as a heading or list entry reads it — first letter capital ("Colour cast", "Color cast"). */
export function distortionTitle(id: string, label?: string): string {
  const words = distortionName(id, label)
  return words.charAt(0).toUpperCase() + words.slice(1)
}
