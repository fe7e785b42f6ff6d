// Integration: the CLI's commands against a real catalog and real clips, in-process.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { makeClip } from '../core/testing/media-fixtures'
import type { JobProgress } from '../shared/contract'
import { EXIT, main } from './index'
import { progressLine } from './progress'

let dir: string
let footage: string

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = ''
  let err = ''
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true))
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true))
  try {
    const code = await main([...args, '--data-dir', join(dir, 'data')])
    return { code, out, err }
  } finally {
    o.mockRestore()
    e.mockRestore()
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vqa-cli-'))
  footage = join(dir, 'footage')
  mkdirSync(join(footage, 'b-roll'), { recursive: true })
  await makeClip(join(footage, 'interview.mp4'), { seconds: 1, width: 320, height: 180 })
  await makeClip(join(footage, 'b-roll', 'street.mkv'), { seconds: 1, codec: 'vp9' })
  writeFileSync(join(footage, 'broken.mov'), 'not a movie')
})

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('vqa CLI', () => {
  it('prints help and rejects bad usage with exit code 2', async () => {
    expect((await run('--help')).out).toMatch(/Usage: vqa <command>/)
    expect((await run('frobnicate')).code).toBe(EXIT.usage)
    expect((await run('add')).code).toBe(EXIT.usage)
    const missing = await run('add', join(dir, 'nope'))
    expect(missing.code).toBe(EXIT.usage)
    expect(missing.err).toMatch(/Not found/)
  })

  it('adds a folder, reports the broken file, and lists the clips', async () => {
    const added = await run('add', footage)
    expect(added.code).toBe(EXIT.fileErrors)
    expect(added.out).toMatch(/3 video files, 3 new, 1 with errors/)
    expect(added.out).toMatch(/broken\.mov\n\s+(Not a media file|Truncated)/)
    const list = await run('list')
    expect(list.out).toMatch(/320x180\s+h264\s+interview\.mp4/)
    expect(list.out).toMatch(/b-roll\/street\.mkv/)
    expect(list.out).toMatch(/3 clips/)
    const json = JSON.parse((await run('list', '--json')).out) as Array<{ name: string; path: string; status: string }>
    expect(json.map((c) => c.name).sort()).toEqual(['broken.mov', 'interview.mp4', 'street.mkv'])
    expect(json.find((c) => c.name === 'street.mkv')?.path).toBe(join(footage, 'b-roll', 'street.mkv'))
  })

  it('rescans and knows which folders it has', async () => {
    const scan = await run('scan')
    expect(scan.out).toMatch(/3 video files.*3 unchanged/)
    expect((await run('scan', join(dir, 'elsewhere'))).code).toBe(EXIT.usage)
    const info = JSON.parse((await run('info', '--json')).out) as { catalogPath: string }
    expect(info.catalogPath).toBe(join(dir, 'data', 'catalog.sqlite'))
  })

  it('scores a folder, prints it worst first, and exports it', async () => {
    const scored = await run('score', footage, '--mode', 'fast')
    // broken.mov cannot be scored: exit 1, and it is listed with its error.
    expect(scored.code).toBe(EXIT.fileErrors)
    expect(scored.out).toMatch(/score\s+level\s+clip/)
    expect(scored.out).toMatch(/\d\.\d\d\s+(bad|poor|fair|good|excellent)\s+.*interview\.mp4/)
    expect(scored.out).toMatch(/2 scored, \d flagged, 1 could not be scored/)
    const csv = await run('export', '--format', 'csv')
    expect(csv.out.split('\n')[0]).toMatch(/^path,name,duration/)
    expect(csv.out).toMatch(/interview\.mp4,.*,fast,/)
    const jsonl = (await run('export', '--format', 'jsonl')).out.trim().split('\n').map((l) => JSON.parse(l) as { image: string[]; conversations: Array<{ value: unknown }> })
    expect(jsonl.map((j) => j.image[0]).sort()).toEqual(['b-roll/street.mkv', 'interview.mp4'])
    expect(typeof jsonl[0]!.conversations[1]!.value).toBe('number')
    expect((await run('export', '--format', 'xml')).code).toBe(EXIT.usage)
    const html = await run('report', footage, '--html', '--out', join(dir, 'report.html'))
    expect(html.out).toMatch(/wrote .*report\.html \(3 clips, 2 scored\)/)
    // interview.mp4's own section has its timeline drawn (whatever order the scores put the clips in).
    const sections = readFileSync(join(dir, 'report.html'), 'utf8').split('<section>')
    expect(sections.find((sec) => sec.includes('interview.mp4'))).toMatch(/<svg[^>]*aria-label="Timeline"/)
  })

  it('draws progress lines', () => {
    const p: JobProgress = {
      id: 1, kind: 'scan', state: 'running', title: 'Scanning', phase: 'Reading metadata', done: 5, total: 10,
      etaSeconds: 75, current: null, error: null, summary: null, startedAt: 0, finishedAt: null
    }
    expect(progressLine(p, 10)).toBe('[#####-----] 5/10 Reading metadata · ETA 1m15s')
  })
})
