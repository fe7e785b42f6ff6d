/**
 * Watches catalogued folders while an app host runs and asks for a rescan when video files come, go or change.
 * The rescan itself is incremental, so a burst of events costs one cheap scan.
 */
import { watch, type FSWatcher } from 'chokidar'
import { isVideoName } from './walk'

export interface FolderWatcher {
  set(folders: Array<{ id: number; path: string }>): void
  close(): Promise<void>
}

export function createFolderWatcher(onChange: (folderId: number) => void, debounceMs = 1500): FolderWatcher {
  const watchers = new Map<number, { path: string; watcher: FSWatcher }>()
  const timers = new Map<number, NodeJS.Timeout>()

  const poke = (id: number): void => {
    clearTimeout(timers.get(id))
    timers.set(
      id,
      setTimeout(() => {
        timers.delete(id)
        onChange(id)
      }, debounceMs)
    )
  }

  return {
    set(folders) {
      for (const [id, w] of watchers) {
        if (!folders.some((f) => f.id === id && f.path === w.path)) {
          void w.watcher.close()
          watchers.delete(id)
        }
      }
      for (const f of folders) {
        if (watchers.has(f.id)) continue
        const watcher = watch(f.path, {
          ignoreInitial: true,
          // Copying a large file fires many change events; wait until its size settles.
          awaitWriteFinish: { stabilityThreshold: 1000, pollInterval: 250 },
          ignored: (p, stats) => Boolean(stats?.isFile() && !isVideoName(p)) || /(^|[\\/])\./.test(p.slice(f.path.length)),
          followSymlinks: true
        })
        watcher.on('all', (event) => {
          if (event === 'add' || event === 'change' || event === 'unlink' || event === 'addDir' || event === 'unlinkDir') poke(f.id)
        })
        // An unwatchable folder (permissions, too many watches) must not take the app down; rescans still work.
        watcher.on('error', () => undefined)
        watchers.set(f.id, { path: f.path, watcher })
      }
    },
    async close() {
      for (const t of timers.values()) clearTimeout(t)
      await Promise.all([...watchers.values()].map((w) => w.watcher.close()))
      watchers.clear()
    }
  }
}
