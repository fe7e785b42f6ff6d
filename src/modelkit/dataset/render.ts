/**
 * Pure argv builders for every ffmpeg run the generator makes: rendering a moving clip from a still picture, applying
 * distortions, the blocking encode, and SSIM/PSNR measurement — plus the parsers for what ffmpeg writes back.
 */
import type { AppliedDistortion, ClipGeometry } from './distortions'
import { blockingEncodeArgs, distortionGraph, enableExpr, coversWholeClip, r, shakeOffsetExpr } from './distortions'
import type { Rng } from './prng'

/** Where the still picture comes from: a file, or (tests) a lavfi source that yields one frame. */
export type SourceInput =
  /** `shrink`: the picture is first reduced to this size (area filter), standing in for a low-resolution original. */
  | { kind: 'image'; path: string; hasAlpha: boolean; shrink?: { width: number; height: number } }
  | { kind: 'lavfi'; graph: string }

/**
 * A slow, natural camera move over the still: centre and zoom each follow one slow sine (a drifting pan that eases
 * at its turning points, and a gentle push-in/pull-out). Sines keep the path inside the picture for any clip length.
 * ax/ay are fractions of the canvas size; periods in seconds.
 */
export interface CameraPath {
  ax: number
  ay: number
  tx: number
  ty: number
  phx: number
  phy: number
  z0: number
  az: number
  tz: number
  phz: number
}

/** Smallest zoom ever used: the visible window is at most 1/ZOOM_MIN of the canvas, leaving room to pan and shake. */
export const ZOOM_MIN = 1.45
const ZOOM_MAX = 1.75

export function planCamera(rng: Rng): CameraPath {
  const z0 = r(rng.float(1.5, 1.65), 3)
  return {
    // At ZOOM_MIN the margin each side is 0.5 - 0.5/1.45 = 15.5 % of the canvas; the pan uses at most 9.5 % and a
    // level-4 shake (15 px of 360 = 4.2 %, less on the canvas) fits in the rest.
    ax: r(rng.float(0.05, 0.095), 3) * (rng.next() < 0.5 ? -1 : 1),
    ay: r(rng.float(0.015, 0.06), 3) * (rng.next() < 0.5 ? -1 : 1),
    tx: r(rng.float(7, 12), 3),
    ty: r(rng.float(9, 16), 3),
    phx: r(rng.float(0, 2 * Math.PI), 3),
    phy: r(rng.float(0, 2 * Math.PI), 3),
    z0,
    az: r(rng.float(0.03, Math.min(0.1, z0 - ZOOM_MIN, ZOOM_MAX - z0)), 3),
    tz: r(rng.float(10, 18), 3),
    phz: r(rng.float(0, 2 * Math.PI), 3)
  }
}

export interface Canvas {
  width: number
  height: number
}

/** Pure: the nearest even size (4:2:0 video needs even dimensions), at least 2. */
export const even = (x: number): number => Math.max(2, 2 * Math.round(x / 2))

/** Width of the picture's largest 16:9 crop, in its own pixels. */
export function cropWidth(source: { width: number; height: number }): number {
  return Math.min(source.width, (source.height * 16) / 9)
}

/** Pure: the picture is smaller than the widest view of a clip of this size, so the clip is upscaled. */
export function needsUpscale(geo: Pick<ClipGeometry, 'width'>, source: { width: number; height: number }): boolean {
  return cropWidth(source) < geo.width * ZOOM_MIN
}

/**
 * The 16:9 canvas the camera moves over: large enough that the visible window (canvas / zoom) is about 1.3× the
 * output size at the widest zoom (supersampled, so the pristine clip is sharp and camera steps are sub-pixel).
 * A picture big enough for that is never upscaled to get it. A picture smaller than the widest view is upscaled
 * anyway, so it is upscaled once, with lanczos, to the full supersampled canvas: zoompan positions its window on
 * whole canvas pixels, and on a canvas the size of such a picture one step was more than an output pixel — slow
 * pans then moved in visible jerks, with repeated frames between, and "clean" clips read as stuttering.
 */
export function canvasFor(geo: Pick<ClipGeometry, 'width' | 'height'>, source: { width: number; height: number }): Canvas {
  const wanted = geo.width * ZOOM_MAX * 1.3
  const w = even(needsUpscale(geo, source) ? wanted : Math.min(wanted, cropWidth(source)))
  return { width: w, height: even((w * 9) / 16) }
}

/** Output pixels per source pixel at the widest view; > 1 means the pristine clip is upscaled (softer). */
export function upscaleFactor(geo: Pick<ClipGeometry, 'width'>, canvas: Canvas, source: { width: number; height: number }): number {
  return r((geo.width * ZOOM_MIN) / Math.min(canvas.width, even(cropWidth(source))), 3)
}

/**
 * zoompan expressions for the camera path (variables: `on` output frame, `iw`/`ih` canvas size, `zoom` this frame's
 * zoom). zoompan positions the window on whole canvas pixels; the canvas is supersampled (~2× the output), so a
 * position step is about half an output pixel — not visible as judder at these speeds, and zoompan is ~10× faster
 * than a sub-pixel `perspective` warp (which rebuilds its per-pixel table every frame).
 */
export function cameraExprs(cam: CameraPath, geo: ClipGeometry, canvas: Canvas, shake: AppliedDistortion | null): { z: string; x: string; y: string } {
  const t = `(on/${geo.fps})`
  const z = `${cam.z0}+${cam.az}*sin(2*PI*${t}/${cam.tz}+${cam.phz})`
  // Canvas pixels per output pixel at the mean zoom: turns the shake amplitude (output pixels) into canvas pixels.
  const scale = canvas.width / (cam.z0 * geo.width)
  const sx = shake ? `+${shakeOffsetExpr(shake, 'x', geo, scale, 'on')}` : ''
  const sy = shake ? `+${shakeOffsetExpr(shake, 'y', geo, scale, 'on')}` : ''
  const x = `iw*(0.5+${cam.ax}*sin(2*PI*${t}/${cam.tx}+${cam.phx}))-iw/zoom/2${sx}`
  const y = `ih*(0.5+${cam.ay}*sin(2*PI*${t}/${cam.ty}+${cam.phy}))-ih/zoom/2${sy}`
  return { z, x, y }
}

/** Final encode: near-lossless H.264 so the encode adds nothing visible (crf 10, 4:2:0, BT.709 tags). */
export function finalEncodeArgs(frames: number, fps: number): string[] {
  return [
    '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '10', '-pix_fmt', 'yuv420p',
    '-colorspace', 'bt709', '-color_primaries', 'bt709', '-color_trc', 'bt709', '-color_range', 'tv',
    '-r', String(fps), '-frames:v', String(frames), '-an', '-movflags', '+faststart', '-f', 'mp4'
  ]
}

export function frameCount(geo: ClipGeometry): number {
  return Math.round(geo.seconds * geo.fps)
}

/**
 * Render the moving clip from the still: fit to the 16:9 canvas once (converting to BT.709 limited range), then
 * zoompan emits all frames from that single decoded picture, scaling each window down to the output size.
 */
export function renderArgs(
  input: SourceInput,
  geo: ClipGeometry,
  canvas: Canvas,
  cam: CameraPath,
  shake: AppliedDistortion | null,
  output: string,
  encode: readonly string[] = finalEncodeArgs(frameCount(geo), geo.fps)
): string[] {
  const frames = frameCount(geo)
  const inArgs = input.kind === 'image' ? ['-i', input.path] : ['-f', 'lavfi', '-i', input.graph]
  const flatten = input.kind === 'image' && input.hasAlpha ? 'premultiply=inplace=1,' : ''
  const shrink = input.kind === 'image' && input.shrink ? `scale=${input.shrink.width}:${input.shrink.height}:flags=area,` : ''
  const { z, x, y } = cameraExprs(cam, geo, canvas, shake)
  const graph =
    `[0:v]trim=end_frame=1,${flatten}${shrink}scale=${canvas.width}:${canvas.height}:force_original_aspect_ratio=increase:flags=lanczos,` +
    `crop=${canvas.width}:${canvas.height},scale=out_color_matrix=bt709:out_range=tv,format=yuv444p,` +
    `zoompan=z='${z}':x='${x}':y='${y}':d=${frames}:s=${geo.width}x${geo.height}:fps=${geo.fps},format=yuv420p[v]`
  return ['-hide_banner', '-nostdin', '-y', ...inArgs, '-filter_complex', graph, '-map', '[v]', ...encode, output]
}

/** A lossless intermediate (x264 qp 0) for multi-step clips; only ever temporary. */
export function losslessArgs(frames: number, fps: number): string[] {
  return ['-c:v', 'libx264', '-preset', 'ultrafast', '-qp', '0', '-pix_fmt', 'yuv420p', '-r', String(fps), '-frames:v', String(frames), '-an', '-f', 'mp4']
}

/** Apply every filter-type distortion to `base` and encode the final clip. */
export function distortArgs(base: string, ds: readonly AppliedDistortion[], geo: ClipGeometry, output: string): string[] {
  const graph = `[0:v]setpts=PTS-STARTPTS[in];${distortionGraph(ds, geo, 'in', 'out')}`
  return ['-hide_banner', '-nostdin', '-y', '-i', base, '-filter_complex', graph, '-map', '[out]', ...finalEncodeArgs(frameCount(geo), geo.fps), output]
}

/** Blocking pass 1: filter-type distortions, then the MPEG-2 encode that makes the blocks. */
export function blockingPassArgs(base: string, ds: readonly AppliedDistortion[], blocking: AppliedDistortion, geo: ClipGeometry, output: string): string[] {
  const graph = `[0:v]setpts=PTS-STARTPTS[in];${distortionGraph(ds, geo, 'in', 'out')}`
  return ['-hide_banner', '-nostdin', '-y', '-i', base, '-filter_complex', graph, '-map', '[out]', ...blockingEncodeArgs(blocking), '-r', String(geo.fps), '-frames:v', String(frameCount(geo)), '-an', output]
}

/**
 * Blocking pass 2: the blocky MPEG-2 stream re-encoded near-losslessly; for a window, overlaid on the (identically
 * filtered) clean stream only inside the window (overlay has timeline support).
 */
export function blockingFinalArgs(base: string, ds: readonly AppliedDistortion[], blocking: AppliedDistortion, geo: ClipGeometry, blocky: string, output: string): string[] {
  const frames = frameCount(geo)
  if (coversWholeClip(blocking, geo)) {
    return ['-hide_banner', '-nostdin', '-y', '-i', blocky, '-filter_complex', '[0:v]setpts=PTS-STARTPTS[out]', '-map', '[out]', ...finalEncodeArgs(frames, geo.fps), output]
  }
  const graph =
    `[0:v]setpts=PTS-STARTPTS[in];${distortionGraph(ds, geo, 'in', 'clean')};[1:v]setpts=PTS-STARTPTS[blk];` +
    `[clean][blk]overlay=enable='${enableExpr(blocking.start, blocking.end, geo.fps)}':eof_action=repeat[out]`
  return ['-hide_banner', '-nostdin', '-y', '-i', base, '-i', blocky, '-filter_complex', graph, '-map', '[out]', ...finalEncodeArgs(frames, geo.fps), output]
}

/**
 * A path as a filter option value. Filtergraph escaping has two levels and differs by platform, so instead of
 * escaping we only accept plain paths (the generator chooses these paths itself, under a mkdtemp directory).
 */
export function filterPath(p: string): string {
  if (!/^[A-Za-z0-9_\-./]+$/.test(p)) throw new Error(`path not usable inside a filtergraph: ${p}`)
  return p
}

/** SSIM and PSNR of `distorted` against `reference`, one stats line per frame in each stats file. */
export function metricsArgs(distorted: string, reference: string, ssimStats: string, psnrStats: string): string[] {
  const graph =
    `[0:v]setpts=PTS-STARTPTS,split[d1][d2];[1:v]setpts=PTS-STARTPTS,split[r1][r2];` +
    `[d1][r1]ssim=stats_file=${filterPath(ssimStats)}[o1];[d2][r2]psnr=stats_file=${filterPath(psnrStats)}[o2]`
  return ['-hide_banner', '-nostdin', '-i', distorted, '-i', reference, '-filter_complex', graph, '-map', '[o1]', '-map', '[o2]', '-f', 'null', '-']
}

export interface FrameMetric {
  /** 0-based frame index. */
  index: number
  ssim: number
  mse: number
}

/** Parse the ssim and psnr filters' stats files ("n:1 Y:… All:0.98 (…)" and "n:1 mse_avg:1.2 …") into per-frame rows. */
export function parseStats(ssimText: string, psnrText: string): FrameMetric[] {
  const ssim = new Map<number, number>()
  for (const line of ssimText.split('\n')) {
    const m = /^n:(\d+)\b.*\bAll:([0-9.]+)/.exec(line)
    if (m) ssim.set(Number(m[1]) - 1, Number(m[2]))
  }
  const out: FrameMetric[] = []
  for (const line of psnrText.split('\n')) {
    const m = /^n:(\d+)\s+mse_avg:([0-9.]+)/.exec(line)
    if (!m) continue
    const index = Number(m[1]) - 1
    const s = ssim.get(index)
    if (s !== undefined) out.push({ index, ssim: s, mse: Number(m[2]) })
  }
  return out.sort((a, b) => a.index - b.index)
}

/** PSNR (dB) from a mean MSE over 8-bit frames; capped at 100 dB because identical frames give infinity (not JSON). */
export function psnrFromMse(mse: number): number {
  if (mse <= 1e-10) return 100
  return Math.min(100, 10 * Math.log10((255 * 255) / mse))
}

/** Mean SSIM and PSNR (from the mean MSE, the usual definition) over the frames shown in [start, end). */
export function segmentMetrics(frames: readonly FrameMetric[], fps: number, start: number, end: number): { ssim: number; psnr: number } {
  const inSeg = frames.filter((f) => f.index / fps >= start - 0.5 / fps && f.index / fps < end - 0.5 / fps)
  if (inSeg.length === 0) return { ssim: Number.NaN, psnr: Number.NaN }
  const ssim = inSeg.reduce((a, f) => a + f.ssim, 0) / inSeg.length
  const mse = inSeg.reduce((a, f) => a + f.mse, 0) / inSeg.length
  return { ssim: r(ssim, 5), psnr: r(psnrFromMse(mse), 3) }
}
