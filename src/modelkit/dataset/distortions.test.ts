import { describe, expect, it } from 'vitest'
import {
  DISTORTION_IDS,
  LEVELS,
  TABLE,
  blockingEncodeArgs,
  distortionGraph,
  enableExpr,
  filterStep,
  frameAt,
  planParams,
  runsExpr,
  shakeOffsetExpr,
  type AppliedDistortion,
  type ClipGeometry,
  type DistortionId,
  type Level
} from './distortions'
import { createRng } from './prng'

const geo: ClipGeometry = { width: 640, height: 360, fps: 25, seconds: 4 }
const make = (id: DistortionId, level: Level, start = 0, end = 4, g = geo, seed = 1): AppliedDistortion => ({
  id,
  level,
  start,
  end,
  params: planParams(id, level, start, end, g, createRng(seed))
})

describe('parameter table', () => {
  it('has four levels for every parameter, growing in one direction', () => {
    for (const [id, params] of Object.entries(TABLE)) {
      for (const [name, values] of Object.entries(params)) {
        expect(values, `${id}.${name}`).toHaveLength(4)
        const v = values as readonly number[]
        const up = v.every((x, i) => i === 0 || x > (v[i - 1] as number))
        const down = v.every((x, i) => i === 0 || x < (v[i - 1] as number))
        expect(up || down, `${id}.${name} is monotone`).toBe(true)
      }
    }
  })

  it('plans every distortion at every level without throwing, with JSON-safe params', () => {
    for (const id of DISTORTION_IDS) {
      for (const level of LEVELS) {
        const d = make(id, level)
        expect(JSON.parse(JSON.stringify(d.params))).toEqual(d.params)
      }
    }
  })

  it('is deterministic for a seed', () => {
    expect(make('stutter', 3, 0, 4, geo, 9)).toEqual(make('stutter', 3, 0, 4, geo, 9))
    expect(make('stutter', 3, 0, 4, geo, 9)).not.toEqual(make('stutter', 3, 0, 4, geo, 10))
  })
})

describe('timeline', () => {
  it('selects frames in [start, end) with a half-frame guard', () => {
    expect(enableExpr(1, 3, 25)).toBe('gte(t,0.98)*lt(t,2.98)')
    expect(frameAt(1, 25)).toBe(25)
    expect(frameAt(0.41, 25)).toBe(11)
  })

  it('adds enable only for a window', () => {
    expect(filterStep(make('blur', 2), geo, 'a', 'b')).toBe('[a]gblur=sigma=1.2:steps=2[b]')
    expect(filterStep(make('blur', 2, 1, 3), geo, 'a', 'b')).toBe("[a]gblur=sigma=1.2:steps=2:enable='gte(t,0.98)*lt(t,2.98)'[b]")
  })

  it('scales pixel sizes with the picture height', () => {
    const g: ClipGeometry = { ...geo, width: 1280, height: 720 }
    expect(make('blur', 4, 0, 4, g).params['sigma']).toBe(9.6)
    expect(make('shake', 1, 0, 4, g).params['amplitude']).toBe(3)
  })
})

describe('filter builders', () => {
  it('builds noise, banding, exposure, contrast, cast, saturation, flicker', () => {
    const noise = make('noise', 1)
    expect(filterStep(noise, geo, 'i', 'o')).toBe(`[i]noise=alls=4:allf=t+u:all_seed=${noise.params['seed']}[o]`)
    expect(filterStep(make('banding', 4), geo, 'i', 'o')).toBe(
      "[i]lutyuv=y='clip(trunc(val/28)*28+14,16,235)':u='clip(trunc(val/20)*20+10,16,240)':v='clip(trunc(val/20)*20+10,16,240)'[o]"
    )
    expect(filterStep(make('underexposure', 4), geo, 'i', 'o')).toBe(
      "[i]lutyuv=y='clip(16+(val-16)*0.3-14,16,235)':u='clip(128+(val-128)*0.6,16,240)':v='clip(128+(val-128)*0.6,16,240)'[o]"
    )
    expect(filterStep(make('overexposure', 1), geo, 'i', 'o')).toContain("y='clip(16+(val-16)*1.2+4,16,235)'")
    expect(filterStep(make('low_contrast', 2), geo, 'i', 'o')).toContain("y='clip(136.45+(val-136.45)*0.6,16,235)'")
    const cast = make('color_cast', 3)
    expect(filterStep(cast, geo, 'i', 'o')).toBe(`[i]lutyuv=u='clip(val+${cast.params['du']},16,240)':v='clip(val+${cast.params['dv']},16,240)'[o]`)
    const sat = make('saturation', 4)
    const gain = sat.params['direction'] === 'desaturate' ? 0.05 : 2.7
    expect(filterStep(sat, geo, 'i', 'o')).toContain(`u='clip(128+(val-128)*${gain},16,240)'`)
    expect(filterStep(make('flicker', 2), geo, 'i', 'o')).toMatch(/^\[i\]eq=brightness='0\.035\*\(0\.6\*sin\(.*\)\)':eval=frame\[o\]$/)
  })

  it('weaves fields k frames apart for interlacing', () => {
    const d = make('interlacing', 4)
    expect(d.params['fieldOffsetFrames']).toBe(6)
    expect(filterStep(d, geo, 'i', 'o', 'x')).toBe(
      "[i]split[xila][xilb];[xilb]trim=start_frame=6,setpts=PTS-STARTPTS[xilc];[xila][xilc]blend=all_expr='if(mod(Y,2),B,A)':shortest=0:repeatlast=1[o]"
    )
  })

  it('drops frame runs and refills them for freeze and stutter, never touching the first or last frame', () => {
    for (const id of ['freeze', 'stutter'] as const) {
      for (const level of LEVELS) {
        const d = make(id, level)
        const runs = d.params['runs'] as number[]
        expect(runs.length % 2).toBe(0)
        expect(Math.min(...runs)).toBeGreaterThanOrEqual(1)
        expect(Math.max(...runs)).toBeLessThanOrEqual(98)
        expect(filterStep(d, geo, 'i', 'o')).toBe(`[i]select='not(${runsExpr(runs)})',fps=25[o]`)
      }
    }
    expect(runsExpr([3, 5, 9, 9])).toBe('between(n,3,5)+between(n,9,9)')
  })

  it('keeps frame-run distortions inside their window', () => {
    for (const id of ['freeze', 'stutter', 'black'] as const) {
      const runs = make(id, 4, 1, 2.5).params['runs'] as number[]
      expect(Math.min(...runs)).toBeGreaterThanOrEqual(25)
      expect(Math.max(...runs)).toBeLessThan(frameAt(2.5, 25))
    }
  })

  it('blacks out the whole window at level 4 and a little at level 1', () => {
    expect(make('black', 4, 1, 2).params['runs']).toEqual([25, 49])
    const l1 = make('black', 1).params['runs'] as number[]
    let blackFrames = 0
    for (let i = 0; i < l1.length; i += 2) blackFrames += (l1[i + 1] as number) - (l1[i] as number) + 1
    expect(blackFrames).toBe(4) // one frame per second of a 4 s clip at 25 fps
    expect(filterStep(make('black', 4, 1, 2), geo, 'i', 'o')).toBe("[i]lutyuv=y=16:u=128:v=128:enable='between(n,25,49)'[o]")
  })

  it('gates the shake offset to its window', () => {
    const d = make('shake', 2, 1, 2)
    const e = shakeOffsetExpr(d, 'x', geo, 2)
    expect(e.startsWith('(between(on,25,49)*(')).toBe(true)
    expect(shakeOffsetExpr(make('shake', 2), 'y', geo, 2)).not.toContain('between')
  })

  it('chains combined distortions in the documented order and skips shake/blocking', () => {
    const g = distortionGraph([make('noise', 1), make('blur', 1), make('blocking', 2), make('shake', 1)], geo, 'in', 'out')
    const [first, second] = g.split(';')
    expect(first).toMatch(/^\[in\]gblur=.*\[s0\]$/)
    expect(second).toMatch(/^\[s0\]noise=.*\[out\]$/)
    expect(distortionGraph([], geo, 'in', 'out')).toBe('[in]null[out]')
  })

  it('builds the MPEG-2 blocking encode as an argv array', () => {
    expect(blockingEncodeArgs(make('blocking', 4))).toEqual(['-c:v', 'mpeg2video', '-q:v', '31', '-qmin', '31', '-qmax', '31', '-g', '12', '-bf', '2', '-f', 'mpeg'])
  })
})
