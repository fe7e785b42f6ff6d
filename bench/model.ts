/**
 * Issue #3's speed figure: on a 1080p H.264 clip made at bench time, the model's time per 2-second segment against
 * ffmpeg's decode-only time for the same segment, and the whole analysis against decode-only (same run, ratios).
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { analyzeFile } from '../src/core/engine/analyze'
import { builtinPackDir } from '../src/core/engine/builtin'
import { OrtEngine } from '../src/core/engine/ort'
import { loadPack } from '../src/core/engine/pack'
import { sampleSegments } from '../src/core/engine/sampler'
import { locateFfmpeg } from '../src/core/media/locate'
import type { BenchLine } from './library'

export async function benchModel(seconds = 20): Promise<BenchLine[]> {
  const { ffmpeg } = locateFfmpeg()
  const dir = mkdtempSync(join(tmpdir(), 'vqa-bench-model-'))
  try {
    const file = join(dir, 'hd.mp4')
    execFileSync(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=1920x1080:r=30', '-f', 'lavfi', '-i', 'mandelbrot=s=1920x1080:r=30',
      '-filter_complex', '[0:v][1:v]blend=all_mode=average', '-t', String(seconds), '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', file])
    const src = { width: 1920, height: 1080, fps: 30 }
    const t0 = performance.now()
    execFileSync(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-i', file, '-f', 'null', '-'])
    const decode = (performance.now() - t0) / 1000
    const engine = new OrtEngine('auto')
    const pack = await loadPack(builtinPackDir(), engine)
    let modelMs = 0
    const run = pack.run.bind(pack)
    pack.run = async (views) => {
      const s = performance.now()
      const out = await run(views)
      modelMs += performance.now() - s
      return out
    }
    const t1 = performance.now()
    const segs = await analyzeFile(pack, ffmpeg, file, src)
    const analyze = (performance.now() - t1) / 1000
    const t2 = performance.now()
    await sampleSegments(ffmpeg, file, src, pack.manifest.views, pack.manifest.segmentSeconds, async () => undefined)
    const sampling = (performance.now() - t2) / 1000
    await pack.dispose()
    const perSegDecode = decode / segs.length
    const perSegModel = modelMs / 1000 / segs.length
    return [
      { name: 'model: 1080p clip', value: `${seconds} s, ${segs.length} segments`, note: `provider ${engine.status().provider}` },
      { name: 'model: decode-only', value: `${decode.toFixed(2)} s`, note: `${(seconds / decode).toFixed(1)}× real time` },
      { name: 'model: time per segment', value: `${(perSegModel * 1000).toFixed(0)} ms`, note: `decode per segment ${(perSegDecode * 1000).toFixed(0)} ms → ratio ${(perSegModel / perSegDecode).toFixed(2)}` },
      { name: 'model: sampling (decode+views)', value: `${sampling.toFixed(2)} s`, note: `${(sampling / decode).toFixed(2)}× decode-only` },
      { name: 'model: whole analysis', value: `${analyze.toFixed(2)} s`, note: `${(analyze / decode).toFixed(2)}× decode-only, ${(seconds / analyze).toFixed(1)}× real time` }
    ]
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
