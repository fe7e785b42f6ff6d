// Integration: the bad-input corpus made by ffmpeg at test time, scanned into a real on-disk catalog.
import { appendFileSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getClip, knownFilesInFolder } from '../catalog/clips'
import { openCatalog, type Db } from '../catalog/database'
import { insertFolder } from '../catalog/folders'
import { locateFfmpeg } from '../media/locate'
import { makeBadInputCorpus, makeClip, type CorpusEntry } from '../testing/media-fixtures'
import { relDirOf, scanFolder, summarise, type ScanCounts } from './scan'

let dir: string
let corpusDir: string
let db: Db
let corpus: CorpusEntry[]
let folderId: number
let first: ScanCounts
const ffprobe = locateFfmpeg().ffprobe

const clipAt = (name: string) => {
  const row = db.prepare('SELECT id FROM clips WHERE path = ?').get(join(corpusDir, name)) as { id: number } | undefined
  return row ? getClip(db, row.id) : undefined
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vqa-scan-'))
  corpusDir = join(dir, 'corpus')
  corpus = await makeBadInputCorpus(corpusDir)
  db = openCatalog({ file: join(dir, 'catalog.sqlite') })
  folderId = insertFolder(db, corpusDir)
  const vanishing = corpus.find((e) => e.deleteDuringScan)!
  first = await scanFolder(db, { id: folderId, path: corpusDir }, {
    ffprobe,
    concurrency: 2,
    beforeFile: (p) => {
      if (p === vanishing.path) rmSync(p)
    }
  })
})

afterAll(() => {
  db?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('scanning the bad-input corpus', () => {
  it('completes, catalogues every good file and explains every bad one', () => {
    for (const e of corpus) {
      const c = clipAt(e.name)
      if (e.deleteDuringScan || e.expect === 'skip') {
        expect(c, e.name).toBeUndefined()
        continue
      }
      if (e.name === 'unreadable.mp4' && !e.unreadableEffective) {
        expect(c?.status, 'root can read mode-000 files').toBe('ok')
        continue
      }
      expect(c, e.name).toBeDefined()
      expect(c?.status, `${e.name}: ${c?.error}`).toBe(e.expect)
      if (e.expect === 'error') expect(c?.error, e.name).toMatch(/\w{4,}/)
    }
    expect(first.errors).toBeGreaterThanOrEqual(5)
    expect(first.ignored).toBeGreaterThanOrEqual(1) // photo.png
    expect(summarise(first)).toMatch(/video files.*new.*with errors/)
  })

  it('gives each kind of bad file its own clear message', () => {
    expect(clipAt('empty.mp4')?.error).toBe('Empty file (0 bytes)')
    expect(clipAt('truncated.mp4')?.error).toMatch(/Truncated/)
    expect(clipAt('notes.mp4')?.error).toMatch(/^Not a media file/)
    expect(clipAt('audio-only.mp4')?.error).toMatch(/Audio only/)
    expect(clipAt('still.mp4')?.error).toMatch(/Still image/)
    const unreadable = corpus.find((e) => e.name === 'unreadable.mp4')
    if (unreadable?.unreadableEffective) expect(clipAt('unreadable.mp4')?.error).toMatch(/Permission denied/)
  })

  it('reads the metadata of odd but valid files correctly', () => {
    for (const e of corpus.filter((x) => x.expect === 'ok' && x.check)) {
      const c = clipAt(e.name)
      if (!c || c.status !== 'ok') continue
      const k = e.check!
      if (k.width) expect(c.width, e.name).toBe(k.width)
      if (k.height) expect(c.height, e.name).toBe(k.height)
      if (k.codec) expect(c.codec, e.name).toBe(k.codec)
      if (k.rotation !== undefined) expect(c.rotation, e.name).toBe(k.rotation)
      if (k.bitDepth) expect(c.bitDepth, e.name).toBe(k.bitDepth)
      if (k.hdr) expect(c.hdr, e.name).toBe(k.hdr.toUpperCase())
      if (k.vfr !== undefined) expect(c.variableFrameRate, e.name).toBe(k.vfr)
      if (k.hasAudio !== undefined) expect(c.audio.length > 0, e.name).toBe(k.hasAudio)
    }
    const phone = clipAt('rotated phone.mp4')!
    expect([phone.displayWidth, phone.displayHeight]).toEqual([phone.height, phone.width])
    expect(clipAt('uhd-4k.mp4')).toMatchObject({ width: 3840, height: 2160 })
    expect(clipAt('tiny-16x16.mp4')).toMatchObject({ width: 16, height: 16 })
    expect(clipAt('loop/inner.mp4')?.status).toBe('ok')
    expect(clipAt('loop/inner.mp4')?.relDir).toBe('loop')
    expect(clipAt('ünïcødé-日本語.mp4')?.status).toBe('ok')
    expect(clipAt(`it's "quoted".mp4`)?.status).toBe('ok')
  })

  it('rescans incrementally: unchanged, moved, changed, new and deleted files', async () => {
    const before = clipAt('with space.mp4')!
    renameSync(join(corpusDir, 'with space.mp4'), join(corpusDir, 'renamed clip.mp4'))
    appendFileSync(join(corpusDir, 'notes.mp4'), 'more text')
    rmSync(join(corpusDir, 'tiny-16x16.mp4'))
    mkdirSync(join(corpusDir, 'day 2'))
    await makeClip(join(corpusDir, 'day 2', 'fresh.mp4'), { seconds: 0.5 })
    const counts = await scanFolder(db, { id: folderId, path: corpusDir }, { ffprobe })
    expect(counts).toMatchObject({ moved: 1, changed: 1, added: 1, missing: 1 })
    expect(counts.unchanged).toBeGreaterThan(10)
    const moved = clipAt('renamed clip.mp4')!
    expect(moved.id).toBe(before.id)
    expect(moved.fingerprint).toBe(before.fingerprint)
    expect(clipAt('tiny-16x16.mp4')?.status).toBe('missing')
    expect(clipAt('day 2/fresh.mp4')?.relDir).toBe('day 2')
    // A third scan finds nothing to do.
    const again = await scanFolder(db, { id: folderId, path: corpusDir }, { ffprobe })
    expect(again).toMatchObject({ added: 0, changed: 0, moved: 0, missing: 0 })
    expect(knownFilesInFolder(db, folderId).filter((k) => k.status === 'missing')).toHaveLength(1)
  })

  it('stops promptly when cancelled', async () => {
    const controller = new AbortController()
    controller.abort()
    await expect(scanFolder(db, { id: folderId, path: corpusDir }, { ffprobe, signal: controller.signal })).rejects.toThrow(/Abort/)
  })

  it('reports a folder that is not there without touching its clips', async () => {
    await expect(scanFolder(db, { id: folderId, path: join(dir, 'unplugged drive') }, { ffprobe })).rejects.toThrow(/cannot be read.*not found/i)
    expect(clipAt('renamed clip.mp4')?.status).toBe('ok')
  })
})

describe('relDirOf', () => {
  it('is "/"-separated and empty at the root', () => {
    expect(relDirOf('/a/b', '/a/b/c.mp4')).toBe('')
    expect(relDirOf('/a/b', '/a/b/x/y/c.mp4')).toBe('x/y')
  })
})
