import { describe, expect, it } from 'vitest'
import { detectHwDecode, hwaccelCandidates, parseHwaccels, parseHwDecode } from './hwaccel'
import { locateFfmpeg } from './locate'

describe('hardware decoding choice', () => {
  it('reads ffmpeg -hwaccels and orders the methods per platform', () => {
    const listed = parseHwaccels('Hardware acceleration methods:\nvdpau\ncuda\nvaapi\nqsv\ndrm\nopencl\nvulkan\n\n')
    expect(listed).toEqual(['vdpau', 'cuda', 'vaapi', 'qsv', 'drm', 'opencl', 'vulkan'])
    expect(hwaccelCandidates(listed, 'linux', 'auto')).toEqual(['cuda', 'vaapi', 'qsv', 'vdpau'])
    expect(hwaccelCandidates(['videotoolbox'], 'darwin', 'auto')).toEqual(['videotoolbox'])
    expect(hwaccelCandidates(listed, 'linux', 'off')).toEqual([])
    expect(hwaccelCandidates(listed, 'linux', 'vaapi')).toEqual(['vaapi'])
    expect(hwaccelCandidates(listed, 'linux', 'videotoolbox')).toEqual([])
  })

  it('parses the setting, and anything odd means software', () => {
    expect(parseHwDecode(undefined)).toBe('auto')
    expect(parseHwDecode(' Auto ')).toBe('auto')
    expect(parseHwDecode('off')).toBe('off')
    expect(parseHwDecode('none')).toBe('off')
    expect(parseHwDecode('CUDA')).toBe('cuda')
    expect(parseHwDecode('cuda; rm -rf /')).toBe('off')
  })

  it('uses a method only after it has decoded a test clip, and says why the others were not used', async () => {
    const { ffmpeg } = locateFfmpeg()
    expect(await detectHwDecode(ffmpeg, 'off')).toEqual({ method: null, rejected: [] })
    const missing = await detectHwDecode(ffmpeg, 'nosuchaccel')
    expect(missing.method).toBeNull()
    expect(missing.rejected).toEqual([{ method: 'nosuchaccel', reason: 'this ffmpeg has no such hwaccel' }])
    // Whatever this machine has: each method tried before the one chosen (or all of them, for software) failed its
    // test decode with a reason; a machine without devices (CI) ends up on software.
    const auto = await detectHwDecode(ffmpeg, 'auto')
    for (const r of auto.rejected) expect(r.reason.length).toBeGreaterThan(0)
    if (auto.method !== null) expect(auto.rejected.map((r) => r.method)).not.toContain(auto.method)
  }, 60_000)
})
