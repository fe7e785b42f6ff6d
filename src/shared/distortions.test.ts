import { describe, expect, it } from 'vitest'
import { distortionName } from './distortions'

describe('distortionName', () => {
  it("reads the pack's label where there is one, else the id in words", () => {
    expect(distortionName('color_cast', 'Colour cast')).toBe('Colour cast')
    expect(distortionName('color_cast')).toBe('color cast')
    expect(distortionName('ringing_halo_x')).toBe('ringing halo x')
  })
})
