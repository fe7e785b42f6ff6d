/**
 * Display helpers for paths that come from the core. The renderer never touches the file system;
 * it only has to show POSIX and Windows paths sensibly, whichever OS the core runs on.
 */

export interface Crumb {
  label: string
  path: string
}

const isWindowsPath = (p: string): boolean => /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\')

/** The last segment of a path, or the path itself for a root ("/", "C:\"). */
export function basename(path: string): string {
  const trimmed = path.replace(/[\\/]+$/, '')
  if (trimmed === '') return path
  const parts = trimmed.split(isWindowsPath(path) ? /[\\/]/ : '/')
  const last = parts[parts.length - 1]
  return last ? last : path
}

/**
 * "/home/ana/footage" → "/", "home", "ana", "footage", each with the path to jump to.
 * "C:\Users\ana" → "C:\", "Users", "ana"; "\\server\share\x" → "\\server\share", "x".
 */
export function pathCrumbs(path: string): Crumb[] {
  if (path === '') return []
  if (isWindowsPath(path)) {
    const sep = '\\'
    const unc = path.startsWith('\\\\')
    const parts = path.split(/[\\/]+/).filter((s) => s !== '')
    if (parts.length === 0) return [{ label: path, path }]
    let rootLabel: string
    let rest: string[]
    if (unc) {
      rootLabel = `\\\\${parts.slice(0, 2).join(sep)}`
      rest = parts.slice(2)
    } else {
      rootLabel = `${parts[0]}${sep}`
      rest = parts.slice(1)
    }
    const crumbs: Crumb[] = [{ label: rootLabel, path: unc ? rootLabel + sep : rootLabel }]
    let acc = unc ? rootLabel : rootLabel.slice(0, -1)
    for (const part of rest) {
      acc = `${acc}${sep}${part}`
      crumbs.push({ label: part, path: acc })
    }
    return crumbs
  }
  const parts = path.split('/').filter((s) => s !== '')
  const crumbs: Crumb[] = path.startsWith('/') ? [{ label: '/', path: '/' }] : []
  let acc = path.startsWith('/') ? '' : '.'
  for (const part of parts) {
    acc = acc === '.' ? part : `${acc}/${part}`
    crumbs.push({ label: part, path: acc })
  }
  return crumbs
}
