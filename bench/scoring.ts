/**
 * Issue #4's benchmarks, as ratios from one run on this machine:
 *  - full-mode scoring wall time ÷ ffmpeg decode-only wall time, 1080p H.264 and 4K HEVC (generated here), and × real time
 *  - fast mode against full mode on the same files
 *  - peak RSS of the scoring process and its ffmpeg over a long 1080p file, full and fast mode, by thirds (flat = bounded)
 *  - kill -9 in the middle of scoring 200 clips, then restart: every clip scored exactly once
 */
import { execFileSync, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCore } from '../src/core/api/core'
import { analyzeFile } from '../src/core/engine/analyze'
import { builtinPackDir } from '../src/core/engine/builtin'
import { OrtEngine } from '../src/core/engine/ort'
import { loadPack } from '../src/core/engine/pack'
import { FAST_WINDOW_SECONDS } from '../src/core/engine/analyze'
import { locateFfmpeg } from '../src/core/media/locate'
import { listKeyframes, probeFile } from '../src/core/media/probe'
import { sourceGeometry } from '../src/core/engine/sampler'
import { detectHwDecode } from '../src/core/media/hwaccel'
import { killWhen } from '../src/core/testing/child-events'
import type { BenchLine } from './library'

const { ffmpeg, ffprobe } = locateFfmpeg()

function make(file: string, size: string, seconds: number, codec: string[]): void {
  execFileSync(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', `testsrc2=s=${size}:r=30`, '-t', String(seconds), ...codec, file])
}

function decodeOnly(file: string): number {
  const t = performance.now()
  execFileSync(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-i', file, '-f', 'null', '-'])
  return (performance.now() - t) / 1000
}

/**
 * CPU seconds used so far by this process (every thread: the model thread too) and by its finished children
 * (ffmpeg), Linux /proc. Wall time on this 2-core machine wanders with its neighbours; CPU time is steadier, and
 * both ends of a ratio are CPU-bound, so it says where the work went.
 */
function cpuSeconds(): { self: number; children: number } {
  const u = process.cpuUsage()
  const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ')
  return { self: (u.user + u.system) / 1e6, children: (Number(f[13]) + Number(f[14])) / 100 }
}

/** RSS of a process and all its descendants, in MB (0 once it has exited). Linux /proc. */
function treeRssMb(pid: number): number {
  try {
    const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024
    const children = readdirSync(`/proc/${pid}/task`).flatMap((t) => {
      try {
        return readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number)
      } catch {
        return []
      }
    })
    return rss + children.reduce((a, c) => a + treeRssMb(c), 0)
  } catch {
    return 0
  }
}

/** Runs the CLI with `args` and samples the RSS of it and its ffmpeg every second until it exits. */
async function cliRss(args: string[]): Promise<number[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '..', 'src', 'cli', 'index.ts'), ...args], { stdio: ['ignore', 'ignore', 'ignore'] })
  const samples: number[] = []
  const timer = setInterval(() => {
    // The scorer and its ffmpeg together: the decoder's buffers count as much as the model's.
    const mb = treeRssMb(child.pid ?? 0)
    if (mb) samples.push(mb)
  }, 1000)
  await new Promise((r) => child.on('close', r))
  clearInterval(timer)
  return samples
}

export async function benchScoring(): Promise<BenchLine[]> {
  const dir = mkdtempSync(join(tmpdir(), 'vqa-bench-score-'))
  const lines: BenchLine[] = []
  try {
    // As the app runs it: model calls on their own thread.
    const pack = await loadPack(builtinPackDir(), new OrtEngine('auto', undefined, { thread: true }))
    const files: Array<[string, string, number]> = [
      ['1080p H.264', join(dir, 'hd.mp4'), 20],
      ['4K HEVC', join(dir, 'uhd.mkv'), 8]
    ]
    // A keyframe a second, as cameras and streaming encoders make them.
    make(files[0]![1], '1920x1080', 20, ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', '-g', '30'])
    make(files[1]![1], '3840x2160', 8, ['-c:v', 'libx265', '-preset', 'ultrafast', '-crf', '24', '-x265-params', 'log-level=error:keyint=30'])
    // What the app would decode with here; the decode-only baseline is software, as the scorer's fallback is.
    const hw = await detectHwDecode(ffmpeg, 'auto')
    lines.push({
      name: 'hardware decoding',
      value: hw.method ?? 'none usable',
      note: hw.rejected.map((r) => `${r.method}: ${r.reason}`).join('; ') || 'no hwaccel methods in this ffmpeg'
    })
    // The app scores clip after clip: its first clip's one-off costs (compiling the JavaScript, ONNX Runtime's first
    // allocations) are paid on a short clip here, not charged to the first file measured.
    const warm = join(dir, 'warm.mp4')
    make(warm, '320x180', 2, ['-c:v', 'libx264', '-preset', 'ultrafast'])
    await analyzeFile(pack, ffmpeg, warm, { width: 320, height: 180, fps: 30 })
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!
    const range = (xs: number[]): string => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`
    const rounds = Number(process.env['VQA_BENCH_ROUNDS'] ?? 3)
    for (const [label, file, seconds] of files) {
      // As the app measures a catalogued clip: from what ffprobe says of it (size, rate, HDR, luma range).
      const geometry = sourceGeometry(await probeFile(ffprobe, file))
      const keyframes = await listKeyframes(ffprobe, file)
      // Decode-only, full and fast in turn, a few rounds: this machine's timings wander by 10 % from run to run, and
      // interleaving lets a slow spell touch all three alike. Each ratio is the median of its rounds.
      const ratios: number[] = []
      const speedups: number[] = []
      const fulls: number[] = []
      const fasts: number[] = []
      const cpuRatios: number[] = []
      let cpuSplit = ''
      for (let r = 0; r < rounds; r++) {
        const c0 = cpuSeconds()
        const decode = decodeOnly(file)
        const c1 = cpuSeconds()
        let t = performance.now()
        await analyzeFile(pack, ffmpeg, file, geometry, { hwaccel: hw.method })
        const full = (performance.now() - t) / 1000
        const c2 = cpuSeconds()
        const decodeCpu = c1.children - c0.children
        cpuRatios.push((c2.children - c1.children + c2.self - c1.self) / decodeCpu)
        cpuSplit = `decode-only ${decodeCpu.toFixed(2)} s; scoring: ffmpeg ${(c2.children - c1.children).toFixed(2)} s, model and JavaScript ${(c2.self - c1.self).toFixed(2)} s`
        t = performance.now()
        await analyzeFile(pack, ffmpeg, file, geometry, { hwaccel: hw.method, fast: { windowSeconds: FAST_WINDOW_SECONDS, duration: seconds, keyframes } })
        const fast = (performance.now() - t) / 1000
        ratios.push(full / decode)
        speedups.push(full / fast)
        fulls.push(full)
        fasts.push(fast)
      }
      lines.push(
        { name: `score ${label}: full ÷ decode-only`, value: median(ratios).toFixed(2), note: `median of ${rounds} (${range(ratios)}); full ${median(fulls).toFixed(2)} s, ${(seconds / median(fulls)).toFixed(1)}× real time` },
        { name: `score ${label}: CPU ÷ decode-only CPU`, value: median(cpuRatios).toFixed(2), note: `median of ${rounds} (${range(cpuRatios)}); last round: ${cpuSplit}` },
        { name: `score ${label}: fast`, value: `${median(speedups).toFixed(1)}× faster`, note: `median of ${rounds} (${range(speedups)}); ${median(fasts).toFixed(2)} s, ${(seconds / median(fasts)).toFixed(1)}× real time` }
      )
    }
    await pack.dispose()

    // Memory over a long file: RSS of a separate process scoring it, sampled while it runs.
    const long = join(dir, 'long.mp4')
    const minutes = Number(process.env['VQA_BENCH_LONG_MINUTES'] ?? 3)
    make(long, '1920x1080', minutes * 60, ['-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '28', '-g', '60'])
    const third = (samples: number[]): string => {
      const k = Math.max(1, Math.floor(samples.length / 3))
      return [samples.slice(0, k), samples.slice(k, 2 * k), samples.slice(2 * k)].map((s) => Math.max(0, ...s).toFixed(0)).join(' / ')
    }
    // Full mode (vqa inspect), then fast mode (vqa score --mode fast: its windows are separate ffmpeg inputs).
    const full = await cliRss(['inspect', long, '--json', '--data-dir', join(dir, 'data-long')])
    lines.push({ name: `score ${minutes}-min 1080p: peak RSS (process + ffmpeg)`, value: `${Math.max(...full).toFixed(0)} MB`, note: `by thirds: ${third(full)} MB` })
    const fastFolder = join(dir, 'long-fast')
    mkdirSync(fastFolder)
    renameSync(long, join(fastFolder, 'long.mp4'))
    const fastRss = await cliRss(['score', fastFolder, '--mode', 'fast', '--data-dir', join(dir, 'data-long-fast')])
    lines.push({ name: `fast ${minutes}-min 1080p: peak RSS`, value: `${Math.max(...fastRss).toFixed(0)} MB`, note: `process + ffmpeg, by thirds: ${third(fastRss)} MB` })

    // kill -9 in the middle of 200 clips.
    const many = join(dir, 'many')
    mkdirSync(many)
    execFileSync(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=320x180:r=25', '-t', '200', '-c:v', 'libx264', '-preset', 'ultrafast',
      '-g', '25', '-f', 'segment', '-segment_time', '1', '-reset_timestamps', '1', join(many, 'clip%03d.mp4')])
    const n = readdirSync(many).length
    const crashData = join(dir, 'data-crash')
    const worker = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '..', 'src', 'core', 'testing', 'core-child.ts'), crashData, many, 'score'], { stdio: ['ignore', 'pipe', 'ignore'] })
    const killed = await killWhen(worker, (p) => p.kind === 'score' && p.done >= n / 2)
    const killedAt = killed?.done ?? 0
    const core = createCore({ dataDir: crashData, host: 'cli', version: 'bench' })
    await core.jobs.idle()
    const scored = (core.db.prepare('SELECT count(DISTINCT clip_id) AS clips, count(*) AS rows FROM clip_scores').get() as { clips: number; rows: number })
    await core.close()
    lines.push({ name: 'kill -9 mid-job, restart', value: `${scored.clips}/${n} scored`, note: `killed after ${killedAt}; ${scored.rows} result rows (${scored.rows === scored.clips ? 'each exactly once' : 'DUPLICATES'})` })
    return lines
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
