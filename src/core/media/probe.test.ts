import { describe, expect, it } from 'vitest'
import { bitDepthOf, chromaOf, explainProbeFailure, looksLikeIsoBmff, normaliseProbe, NotAVideoError, parseKeyframes, parseRate, probeArgs, rangeOf, rotationOf } from './probe'

// Shapes as ffprobe -print_format json -show_format -show_streams writes them (trimmed).
const phoneClip = {
  streams: [
    {
      index: 0, codec_type: 'video', codec_name: 'h264', profile: 'High', width: 1920, height: 1080, pix_fmt: 'yuv420p',
      field_order: 'progressive', r_frame_rate: '30/1', avg_frame_rate: '30/1', nb_frames: '240', bits_per_raw_sample: '8',
      side_data_list: [{ side_data_type: 'Display Matrix', displaymatrix: '...', rotation: -90 }], tags: { rotate: '90' }
    },
    { index: 1, codec_type: 'audio', codec_name: 'aac', channels: 2, sample_rate: '48000', tags: { language: 'eng' } }
  ],
  format: { format_name: 'mov,mp4,m4a,3gp,3g2,mj2', duration: '8.000000', bit_rate: '12000000' }
}

describe('normaliseProbe', () => {
  it('reads a rotated phone clip as it is displayed', () => {
    const m = normaliseProbe(phoneClip)
    expect(m).toMatchObject({
      container: 'MP4/MOV', codec: 'h264', profile: 'High', width: 1920, height: 1080, rotation: 90,
      displayWidth: 1080, displayHeight: 1920, fps: 30, variableFrameRate: false, frameCount: 240, duration: 8,
      bitrate: 12_000_000, bitDepth: 8, chromaSubsampling: '4:2:0', interlaced: false, hdr: null, colorRange: 'unknown'
    })
    expect(m.audio).toEqual([{ codec: 'aac', channels: 2, sampleRate: 48000, language: 'eng' }])
  })

  it('recognises 10-bit HDR (PQ and HLG)', () => {
    const hdr = (transfer: string) =>
      normaliseProbe({
        streams: [{ codec_type: 'video', codec_name: 'hevc', profile: 'Main 10', width: 3840, height: 2160, pix_fmt: 'yuv420p10le',
          color_transfer: transfer, color_primaries: 'bt2020', r_frame_rate: '25/1', avg_frame_rate: '25/1' }],
        format: { format_name: 'matroska,webm', duration: '1.0' }
      })
    expect(hdr('smpte2084')).toMatchObject({ hdr: 'PQ', bitDepth: 10, container: 'Matroska/WebM', colorPrimaries: 'bt2020' })
    expect(hdr('arib-std-b67').hdr).toBe('HLG')
    expect(hdr('bt709').hdr).toBeNull()
  })

  it('flags variable frame rate when the average drifts from the base rate', () => {
    const vfr = normaliseProbe({
      streams: [{ codec_type: 'video', codec_name: 'h264', width: 64, height: 64, r_frame_rate: '30/1', avg_frame_rate: '2250/101' }],
      format: { format_name: 'mov,mp4', duration: '3.4' }
    })
    expect(vfr.variableFrameRate).toBe(true)
    const ntsc = normaliseProbe({
      streams: [{ codec_type: 'video', codec_name: 'h264', width: 64, height: 64, r_frame_rate: '30000/1001', avg_frame_rate: '30000/1001' }],
      format: { format_name: 'mov,mp4', duration: '3.4' }
    })
    expect(ntsc.variableFrameRate).toBe(false)
    expect(ntsc.fps).toBeCloseTo(29.97, 2)
  })

  it('says why a file is not a video', () => {
    expect(() => normaliseProbe({ streams: [{ codec_type: 'audio', codec_name: 'aac' }], format: { format_name: 'mov,mp4' } })).toThrow(
      /Audio only/
    )
    expect(() => normaliseProbe({ streams: [], format: { format_name: 'mov,mp4' } })).toThrow(NotAVideoError)
    expect(() =>
      normaliseProbe({ streams: [{ codec_type: 'video', codec_name: 'png', width: 64, height: 64, nb_frames: '1' }], format: { format_name: 'mov,mp4', duration: '0.04' } })
    ).toThrow(/Still image/)
    expect(() =>
      normaliseProbe({ streams: [{ codec_type: 'video', codec_name: 'mjpeg', width: 64, height: 64 }], format: { format_name: 'image2' } })
    ).toThrow(/Still image/)
    // Cover art in a music file is an attached picture, not video.
    expect(() =>
      normaliseProbe({
        streams: [{ codec_type: 'audio', codec_name: 'mp3' }, { codec_type: 'video', codec_name: 'mjpeg', width: 500, height: 500, disposition: { attached_pic: 1 } }],
        format: { format_name: 'mp3' }
      })
    ).toThrow(/Audio only/)
    expect(() => normaliseProbe('garbage')).toThrow(NotAVideoError)
  })

  it('leaves unknown values null instead of guessing', () => {
    const m = normaliseProbe({ streams: [{ codec_type: 'video', codec_name: 'mpeg4', width: 320, height: 240 }], format: { format_name: 'avi' } })
    expect(m).toMatchObject({ duration: null, fps: null, frameCount: null, interlaced: null, bitrate: null, container: 'AVI', rotation: 0 })
  })
})

describe('probe helpers', () => {
  it('protects odd file names from being read as options or protocols', () => {
    expect(probeArgs('-i http:x.mp4').at(-1)).toBe('file:-i http:x.mp4')
  })
  it('parses rates', () => {
    expect(parseRate('30000/1001')).toBeCloseTo(29.97, 2)
    expect(parseRate('0/0')).toBeNull()
    expect(parseRate(undefined)).toBeNull()
    expect(parseRate('25')).toBe(25)
  })
  it('derives bit depth and chroma from the pixel format', () => {
    expect(bitDepthOf('yuv420p10le', null)).toBe(10)
    expect(bitDepthOf('yuv422p12be', null)).toBe(12)
    expect(bitDepthOf('p010le', null)).toBe(10)
    expect(bitDepthOf('yuvj420p', null)).toBe(8)
    expect(bitDepthOf('yuv420p', 10)).toBe(10)
    expect(bitDepthOf(null, null)).toBeNull()
    expect(chromaOf('yuv422p10le')).toBe('4:2:2')
    expect(chromaOf('yuvj444p')).toBe('4:4:4')
    expect(chromaOf('nv12')).toBe('4:2:0')
    expect(chromaOf('gray')).toBe('4:0:0')
  })
  it('turns the display matrix into clockwise degrees', () => {
    expect(rotationOf([{ rotation: -90 }], undefined)).toBe(90)
    expect(rotationOf([{ rotation: 90 }], undefined)).toBe(270)
    expect(rotationOf([{ rotation: 180 }], undefined)).toBe(180)
    expect(rotationOf(undefined, { rotate: '270' })).toBe(270)
    expect(rotationOf(undefined, undefined)).toBe(0)
  })
  it('tells an MP4 that was cut from a file that never was one', () => {
    const mp4 = new Uint8Array([0, 0, 0, 32, 0x66, 0x74, 0x79, 0x70, 0x69, 0x73, 0x6f, 0x6d])
    expect(looksLikeIsoBmff(mp4)).toBe(true)
    expect(looksLikeIsoBmff(new TextEncoder().encode('this is not a video'))).toBe(false)
  })
  it('reads keyframe times from packet listings', () => {
    expect(parseKeyframes('0.000000,K__\n0.033333,___\n2.002000,K__\n\n4.004000,K_\nN/A,K__\n')).toEqual([0, 2.002, 4.004])
  })
  it('explains failures in plain words', () => {
    expect(explainProbeFailure('[mov,mp4 @ 0x1] moov atom not found\nfile:x.mp4: Invalid data found when processing input')).toMatch(/Truncated/)
    expect(explainProbeFailure('file:/a/b.mp4: Invalid data found when processing input')).toMatch(/Not a media file/)
    expect(explainProbeFailure('')).toBe('ffprobe could not read it')
  })
})

describe('rangeOf', () => {
  it('reads the declared luma range, full for the yuvj formats, unknown when unstated, none for RGB and gray', () => {
    expect(rangeOf('yuv420p', 'tv')).toBe('tv')
    expect(rangeOf('yuv420p10le', 'pc')).toBe('pc')
    expect(rangeOf('yuvj420p', null)).toBe('pc')
    expect(rangeOf('yuv420p', 'unknown')).toBe('unknown')
    expect(rangeOf('yuv420p', null)).toBe('unknown')
    expect(rangeOf('rgb24', 'pc')).toBeNull()
    expect(rangeOf('gray', 'pc')).toBeNull()
  })
})
