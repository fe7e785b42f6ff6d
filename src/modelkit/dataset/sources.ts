/**
 * Pristine source pictures, taken from Debian packages without installing anything system-wide: `apt-get download`
 * into a cache folder, `dpkg-deb -x` into a sub-folder, then pick the large photographs. Idempotent: a package that
 * is already downloaded and extracted is not touched again.
 *
 * Train and held-out sources come from different packages, so no held-out picture (or crop of one) is ever trained on.
 */
import { execFile } from 'node:child_process'
import { existsSync, promises as fs } from 'node:fs'
import path from 'node:path'
import { runTool } from '../../core/media/run'
import { locateFfmpeg } from '../../core/media/locate'

export type SourceSplit = 'train' | 'heldout'

export const PACKAGES: Record<SourceSplit, readonly string[]> = {
  train: ['mate-backgrounds', 'plasma-workspace-wallpapers', 'palapeli-data'],
  heldout: ['libjxl-testdata']
}

/**
 * More training pictures, from three more Debian wallpaper packages (contest photographs — macro, landscape, sunset —
 * and digital paintings): 30 pictures beside the first set's 64. The head had learned from 64 pictures in all, and
 * read whatever those did not show (a shallow-focus background, a white backdrop, flat graphics) as a distortion.
 * They are planned in a stream of their own (planTrain's `stream`), so adding them leaves every clip of the first set
 * as it was.
 */
export const MORE_TRAIN_PACKAGES: readonly string[] = ['lomiri-wallpapers-16.04', 'lomiri-wallpapers-20.04', 'ukui-wallpapers']

export interface SourceImage {
  /** Absolute path of the extracted picture. */
  path: string
  /** Path inside the package (stable across machines; what the dataset records). */
  file: string
  package: string
  width: number
  height: number
  hasAlpha: boolean
}

const MIN_BYTES = 100 * 1024
/** The 16:9 crop must be at least this wide, or even 640×360 output would be a heavy upscale. */
const MIN_CROP_WIDTH_TRAIN = 960
/**
 * libjxl-testdata has few photographs, most of them 500 px: the held-out threshold is lower and TARGETS.md says
 * those clips are upscaled.
 */
const MIN_CROP_WIDTH_HELDOUT = 450

/**
 * Held-out pictures, chosen by hand from what libjxl-testdata ships (its other PNG/JPEG files are 64 px crops,
 * pngsuite icons, re-encodes of flower.png, or alpha/grey variants of the ones below). The two wide-gamut charts are
 * synthetic gradients: no photograph, but the best banding probes in the package.
 */
export const HELDOUT_FILES: readonly string[] = [
  'usr/share/libjxl-testdata/jxl/flower/flower.png',
  'usr/share/libjxl-testdata/jxl/hdr_room.png',
  'usr/share/libjxl-testdata/external/wesaturate/500px/u76c0g_bliznaca_srgb8.png',
  'usr/share/libjxl-testdata/external/wesaturate/500px/cvo9xd_keong_macan_srgb8.png',
  'usr/share/libjxl-testdata/external/wesaturate/500px/tmshre_riaphotographs_srgb8.png',
  'usr/share/libjxl-testdata/external/wide-gamut-tests/P3-sRGB-color-bars.png',
  'usr/share/libjxl-testdata/external/wide-gamut-tests/P3-sRGB-color-ring.png'
]

export async function exists(p: string): Promise<boolean> {
  try {
    await fs.access(p)
    return true
  } catch {
    return false
  }
}

let aptUpdated = false

/** runTool has no working-directory option, and `apt-get download` writes into the current directory. */
function runIn(cmd: string, args: readonly string[], cwd: string): Promise<{ code: number | null; stderrTail: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, timeout: 15 * 60_000, maxBuffer: 16 * 1024 * 1024 }, (err, _stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0
      resolve({ code, stderrTail: String(stderr).slice(-4096) })
    })
  })
}

/** Download and extract one package into cacheDir (once). Returns the extraction root. */
export async function ensurePackage(cacheDir: string, pkg: string): Promise<string> {
  const root = path.join(cacheDir, 'extract', pkg)
  const marker = path.join(root, '.extracted')
  if (await exists(marker)) return root
  const debDir = path.join(cacheDir, 'debs')
  await fs.mkdir(debDir, { recursive: true })
  const findDeb = async (): Promise<string | undefined> =>
    (await fs.readdir(debDir)).filter((f) => f.startsWith(`${pkg}_`) && f.endsWith('.deb')).sort()[0]
  let deb = await findDeb()
  if (!deb) {
    const download = (): Promise<{ code: number | null; stderrTail: string }> =>
      runIn('apt-get', ['download', pkg], debDir)
    let res = await download()
    if (res.code !== 0 && !aptUpdated) {
      // The package lists may be missing or stale on a fresh machine: refresh them once, then retry.
      await runTool('apt-get', ['update', '-qq'], { timeoutMs: 15 * 60_000 })
      aptUpdated = true
      res = await download()
    }
    deb = await findDeb()
    if (res.code !== 0 || !deb) throw new Error(`apt-get download ${pkg} failed: ${res.stderrTail}`)
  }
  await fs.rm(root, { recursive: true, force: true })
  await fs.mkdir(root, { recursive: true })
  const x = await runTool('dpkg-deb', ['-x', path.join(debDir, deb), root], { timeoutMs: 10 * 60_000 })
  if (x.code !== 0) throw new Error(`dpkg-deb -x ${deb} failed: ${x.stderrTail}`)
  await fs.writeFile(marker, `${deb}\n`)
  return root
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = []
  for (const e of await fs.readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name)
    if (e.isDirectory()) out.push(...(await walk(p)))
    else if (e.isFile()) out.push(p)
  }
  return out
}

interface Probed {
  width: number
  height: number
  pixFmt: string
}

async function probeImage(ffprobe: string, file: string): Promise<Probed | null> {
  const res = await runTool(ffprobe, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height,pix_fmt', '-of', 'json', file])
  if (res.code !== 0) return null
  const parsed = JSON.parse(res.stdout.toString('utf8')) as { streams?: Array<{ width?: number; height?: number; pix_fmt?: string }> }
  const s = parsed.streams?.[0]
  if (!s?.width || !s.height) return null
  return { width: s.width, height: s.height, pixFmt: s.pix_fmt ?? '' }
}

/**
 * Which training files to keep (pure, tested): photographs and artwork, not screenshots, documentation images or
 * thumbnails; one file per picture when a package ships it at several sizes (plasma: `<Name>/contents/images/WxH`,
 * mate: `Name_WxH.jpg`) — the largest wins.
 */
export function pictureKey(file: string): string | null {
  const lower = file.toLowerCase()
  if (!/\.(jpe?g|png)$/.test(lower)) return null
  if (/(screenshot|thumbnail|\/doc\/|\/html\/|\/icons?\/)/.test(lower)) return null
  const plasma = /wallpapers\/([^/]+)\/contents\/(images(?:_dark)?)\//.exec(file)
  if (plasma) return `${plasma[1]}/${plasma[2]}`
  return file.replace(/_\d+x\d+(?=\.[a-z]+$)/i, '').replace(/\.[a-z]+$/i, '')
}

export function cropWidth(width: number, height: number): number {
  return Math.floor(Math.min(width, (height * 16) / 9))
}

async function collectTrain(root: string, pkg: string, ffprobe: string): Promise<SourceImage[]> {
  const best = new Map<string, SourceImage>()
  for (const abs of (await walk(root)).sort()) {
    const file = path.relative(root, abs).split(path.sep).join('/')
    const key = pictureKey(file)
    if (!key) continue
    if ((await fs.stat(abs)).size < MIN_BYTES) continue
    const info = await probeImage(ffprobe, abs)
    if (!info || cropWidth(info.width, info.height) < MIN_CROP_WIDTH_TRAIN) continue
    const img: SourceImage = { path: abs, file, package: pkg, width: info.width, height: info.height, hasAlpha: /a/.test(info.pixFmt.replace('gray', '')) }
    const prev = best.get(key)
    if (!prev || img.width * img.height > prev.width * prev.height) best.set(key, img)
  }
  return [...best.values()]
}

async function collectHeldout(root: string, pkg: string, ffprobe: string): Promise<SourceImage[]> {
  const out: SourceImage[] = []
  for (const file of HELDOUT_FILES) {
    const abs = path.join(root, file)
    if (!existsSync(abs)) continue
    const info = await probeImage(ffprobe, abs)
    if (!info || cropWidth(info.width, info.height) < MIN_CROP_WIDTH_HELDOUT) continue
    out.push({ path: abs, file, package: pkg, width: info.width, height: info.height, hasAlpha: /a/.test(info.pixFmt.replace('gray', '')) })
  }
  return out
}

/** All usable pictures for a split (from `packages`, by default the split's own), sorted by package then file (a
 *  stable order the seeded plan relies on). */
export async function fetchSources(cacheDir: string, which: SourceSplit, packages: readonly string[] = PACKAGES[which]): Promise<SourceImage[]> {
  const { ffprobe } = locateFfmpeg()
  const all: SourceImage[] = []
  for (const pkg of packages) {
    const root = await ensurePackage(cacheDir, pkg)
    all.push(...(which === 'train' ? await collectTrain(root, pkg, ffprobe) : await collectHeldout(root, pkg, ffprobe)))
  }
  return all.sort((a, b) => (a.package === b.package ? (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) : a.package < b.package ? -1 : 1))
}
