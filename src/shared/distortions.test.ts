import { describe, expect, it } from 'vitest'
import { distortionName, distortionTitle } from './distortions'

describe('distortionName', () => {
  it("reads the pack's label where there is one, else the id in words", () => {
    expect(distortionName('color_cast', 'Colour cast')).toBe('Colour cast')
    expect(distortionName('color_cast')).toBe('color cast')
    expect(distortionName('ringing_halo_x')).toBe('ringing halo x')
  })
})

describe('distortionTitle', () => {
  it('is the same name with a capital first letter, never title case', () => {
    expect(distortionTitle('low_contrast', 'Low contrast')).toBe('Low contrast')
    expect(distortionTitle('color_cast')).toBe('Color cast')
    expect(distortionTitle('x')).toBe('X')
  })
})
