import { describe, expect, it } from 'vitest'
import { candidates } from './locate'

describe('ffmpeg lookup order', () => {
  it('is environment override, then the static package, then PATH', () => {
    expect(candidates('ffmpeg', { FFMPEG_PATH: '/opt/ff/ffmpeg', PATH: '/usr/bin:/bin' }, '/app/node_modules/ffmpeg-static/ffmpeg', 'linux')).toEqual([
      '/opt/ff/ffmpeg',
      '/app/node_modules/ffmpeg-static/ffmpeg',
      '/usr/bin/ffmpeg',
      '/bin/ffmpeg'
    ])
    expect(candidates('ffprobe', { FFMPEG_PATH: '/opt/ff/ffmpeg', PATH: '/usr/bin' }, null, 'linux')).toEqual(['/usr/bin/ffprobe'])
  })
})

describe('a missing ffmpeg', () => {
  it('is a clear error that says how to install it', async () => {
    const { locateFfmpeg, FfmpegMissingError } = await import('./locate')
    expect(() => locateFfmpeg({ FFMPEG_PATH: '/nonexistent/ffmpeg', PATH: '' })).toThrow(FfmpegMissingError)
    expect(() => locateFfmpeg({ FFMPEG_PATH: '/nonexistent/ffmpeg', PATH: '' })).toThrow(/apt-get install ffmpeg.*FFMPEG_PATH/)
  })
})
