// Review, as a new user meets it: a folder of clips with known defects at known times → score → the review queue →
// the worst clip's timeline marks the defect where it is → label two clips from the keyboard → reload: the labels
// are still there. Screenshots of the library, clip view, review queue, labels, insights, fine-tuning and settings.
import { execFileSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { locateFfmpeg } from '../src/core/media/locate'
import { ARTIFACTS, startSession, type Session } from './harness'

let s: Session
let footage: string
const { ffmpeg } = locateFfmpeg()

/** 12 s of moving test pattern at 320×180, with an ffmpeg filter for the defect. */
function clip(name: string, filter: string): void {
  execFileSync(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=320x180:r=25', '-f', 'lavfi', '-i', 'mandelbrot=s=320x180:r=25',
    '-filter_complex', `[0:v][1:v]blend=all_mode=average${filter ? `,${filter}` : ''}`, '-t', '12', '-c:v', 'libx264', '-crf', '14', '-pix_fmt', 'yuv420p', join(footage, name)])
}

beforeAll(async () => {
  s = await startSession()
  footage = join(s.dir, 'Shoot')
  mkdirSync(footage)
  clip('clean take.mp4', '')
  // Black from 4 s to 10 s: the worst clip, and the defect sits in segments 00:04–00:06, 00:06–00:08 and 00:08–00:10.
  clip('black gap.mp4', "drawbox=c=black:t=fill:enable='between(t,4,9.99)'")
  // Grain strong enough to be flagged (noise ≥ 0.65 for 2 s) with a margin, whichever pack version reads it (a
  // retrained head moved strength 20 from above the flag to under it). Whether it or the black gap is the worst clip
  // is the model's call: the tests below find the worst by its score.
  clip('grainy.mp4', 'noise=alls=40:allf=t')
})

afterAll(async () => {
  await s?.close()
})

describe('Review in browser mode', () => {
  it('adds and scores a folder from the library, with scores and flags in the table', async () => {
    const { page } = s
    await page.getByRole('button', { name: 'Add your first folder' }).click()
    const dialog = page.getByRole('dialog', { name: 'Choose a folder' })
    await dialog.getByRole('textbox', { name: 'Folder path' }).fill(footage)
    await dialog.getByRole('button', { name: 'Go' }).click()
    await dialog.getByRole('button', { name: 'Add this folder' }).click()
    const grid = page.getByRole('grid', { name: 'Clips' })
    await grid.getByRole('row', { name: /black gap\.mp4/ }).waitFor()
    await page.getByRole('status').filter({ hasText: /^3 clips/ }).waitFor()
    await page.getByRole('toolbar', { name: 'Library' }).getByRole('button', { name: 'Score' }).click()
    // Each row gets its score as the job goes; wait for all three.
    await expect.poll(async () => grid.getByText('Not scored').count(), { timeout: 120_000, interval: 1000 }).toBe(0)
    const black = grid.getByRole('row', { name: /black gap\.mp4/ })
    await expect.poll(() => black.textContent()).toMatch(/\d\.\d\d\s*(bad|poor|fair)/)
    expect(await black.getByLabel(/^Flagged:/).count()).toBe(1)
    // Sort by score: worst first (by name the black gap would be first anyway, so the scores themselves are compared).
    await page.getByRole('columnheader', { name: 'Score' }).getByRole('button').click()
    const scores = async (): Promise<number[]> =>
      (await grid.getByRole('row').allTextContents()).slice(1).map((t) => Number(/(\d\.\d\d)\s*(bad|poor|fair|good|excellent)/.exec(t)?.[1] ?? NaN))
    await expect.poll(async () => {
      const got = await scores()
      return got.length === 3 && got.every((v, i) => i === 0 || v >= got[i - 1]!)
    }).toBe(true)
    await page.screenshot({ path: join(ARTIFACTS, 'library-scored.png') })
  })

  it('filters by flag and by distortion, and saves the view', async () => {
    const { page } = s
    await page.getByRole('combobox', { name: 'Flag filter' }).selectOption({ label: 'Flagged' })
    await expect.poll(() => page.getByRole('status').filter({ hasText: /clips?$/ }).first().textContent()).toMatch(/^[1-3] clips?/)
    await page.getByRole('combobox', { name: 'Distortion filter' }).selectOption({ label: 'Black frames' })
    await page.getByRole('status').filter({ hasText: /^1 clip/ }).waitFor()
    await page.getByRole('button', { name: 'Save view' }).click()
    const dialog = page.getByRole('dialog', { name: 'Save view' })
    await dialog.getByRole('textbox', { name: 'Name' }).fill('Black frames')
    await dialog.getByRole('button', { name: 'Save view' }).click()
    await dialog.waitFor({ state: 'detached' })
    await page.getByRole('button', { name: /^Clear \d filters?$/ }).click()
    await page.getByRole('status').filter({ hasText: /^3 clips/ }).waitFor()
    await page.getByRole('combobox', { name: 'Saved views' }).selectOption({ label: 'Black frames' })
    await page.getByRole('status').filter({ hasText: /^1 clip/ }).waitFor()
    await page.getByRole('button', { name: /^Clear \d filters?$/ }).click()
  })

  it('opens the review queue on the worst clip; the black gap\'s timeline marks the black frames at 00:04–00:10', async () => {
    const { page } = s
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: /^Review/ }).click()
    const queue = page.getByRole('complementary', { name: 'Review queue' })
    await queue.getByRole('button', { name: /black gap\.mp4/ }).waitFor()
    // It opens on its head, and the head is the worst: the queue's scores never go down.
    await expect.poll(async () => queue.getByRole('button').first().getAttribute('aria-current')).toBe('true')
    await expect.poll(async () => {
      const queued = (await queue.getByRole('button').allTextContents()).map((t) => Number(/(\d\.\d\d)/.exec(t)?.[1] ?? NaN))
      return queued.length >= 2 && queued.every((v, i) => Number.isFinite(v) && (i === 0 || v >= queued[i - 1]!))
    }).toBe(true)
    await queue.getByRole('button', { name: /black gap\.mp4/ }).click()
    const timeline = page.getByRole('group', { name: 'Timeline' })
    await timeline.waitFor()
    // The score lane: the black segments score lowest, and the black-frames lane covers exactly them.
    const seg = (range: string) => timeline.getByLabel(new RegExp(`^${range}: \\d\\.\\d\\d`)).first()
    const scoreOf = async (range: string) => Number(/: (\d\.\d\d)/.exec((await seg(range).getAttribute('aria-label')) ?? '')?.[1])
    const inside = Math.max(await scoreOf('00:04–00:06'), await scoreOf('00:06–00:08'))
    const outside = Math.min(await scoreOf('00:00–00:02'), await scoreOf('00:10–00:12'))
    expect(inside).toBeLessThan(outside)
    const lane = timeline.getByRole('list', { name: 'Black frames severity' })
    const marked = await lane.getByRole('listitem').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''))
    // Stretches as the lane reads them out ("00:04.5–00:05: Black frames 95 %"): segments, or their half-second parts.
    const seconds = (t: string): number => t.split(':').reduce((a, x) => a * 60 + Number(x), 0)
    const stretches = marked.map((l) => /^([\d:.]+)–([\d:.]+):/.exec(l)).filter((m) => m !== null).map((m) => [seconds(m[1]!), seconds(m[2]!)] as const)
    const covered = (a: number, b: number): number => stretches.reduce((acc, [x, y]) => acc + Math.max(0, Math.min(b, y) - Math.max(a, x)), 0)
    expect(covered(4, 10)).toBeGreaterThan(5)
    expect(covered(0, 3.5) + covered(10.5, 12)).toBe(0)
    await page.screenshot({ path: join(ARTIFACTS, 'review.png') })
  })

  it('labels two clips from the keyboard, and the labels survive a reload', async () => {
    const { page } = s
    const queue = page.getByRole('complementary', { name: 'Review queue' })
    // Back to the head of the queue (the last test looked at the black gap), and remember who is there.
    await queue.getByRole('button').first().click()
    await expect.poll(async () => queue.getByRole('button').first().getAttribute('aria-current')).toBe('true')
    const head = (await queue.getByRole('button').first().textContent()) ?? ''
    const first = ['black gap.mp4', 'clean take.mp4', 'grainy.mp4'].find((n) => head.includes(n)) ?? '?'
    await page.locator('body').press('1')
    await page.getByRole('list', { name: 'Labels on this clip' }).getByText('Score 1.00').waitFor()
    // Reject → next clip, and score it at once. Both keys go in one task, so the score certainly arrives while the
    // verdict is still being saved: it must be held and land on the clip moved to, not on the one being left (which
    // keeps its 1.00; checked after the reload).
    await page.evaluate(() => {
      const key = (init: KeyboardEventInit): boolean => document.body.dispatchEvent(new KeyboardEvent('keydown', { bubbles: true, cancelable: true, ...init }))
      key({ key: 'r', code: 'KeyR' })
      key({ key: '#', code: 'Digit3', shiftKey: true }) // 3.5
    })
    await expect.poll(async () => queue.getByRole('button').first().getAttribute('aria-current')).toBeNull()
    await page.getByRole('list', { name: 'Labels on this clip' }).getByText('Score 3.50').waitFor()
    await page.locator('body').press('a')
    // The queue marks both clips left behind, and counts them.
    await queue.getByLabel('rejected').waitFor()
    await queue.getByLabel('accepted').waitFor()
    // Which other clips are flagged is the model's business; the count must say two of them are done.
    const flagged = await queue.getByRole('listitem').count()
    expect(flagged).toBeGreaterThanOrEqual(2)
    await page.getByRole('status').filter({ hasText: `2 of ${flagged} reviewed` }).waitFor()
    await page.locator('body').press('?')
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor()
    await page.screenshot({ path: join(ARTIFACTS, 'review-shortcuts.png') })
    await page.locator('body').press('Escape')

    await page.reload()
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: /^Labels/ }).click()
    const table = page.getByRole('table', { name: 'Labels' })
    await table.getByText('Score 1.00').waitFor()
    await table.getByText('Score 3.50').waitFor()
    // The 3.5 landed on the clip moved to, not on the one left (which keeps its 1.00).
    expect(await table.getByRole('row').filter({ hasText: 'Score 3.50' }).textContent()).not.toContain(first)
    expect(await table.getByRole('row').filter({ hasText: 'Score 1.00' }).textContent()).toContain(first)
    await table.getByText('Rejected').waitFor()
    await table.getByText('Accepted').waitFor()
    await page.screenshot({ path: join(ARTIFACTS, 'labels.png') })
  })

  it('shows the clip page with its timeline and explanation', async () => {
    const { page } = s
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Library' }).click()
    await page.getByRole('searchbox', { name: 'Search clips' }).fill('black gap')
    await page.getByRole('status').filter({ hasText: /^1 clip/ }).waitFor()
    await page.getByRole('grid', { name: 'Clips' }).getByRole('row', { name: /black gap\.mp4/ }).click()
    await page.getByRole('group', { name: 'Timeline' }).waitFor()
    await page.screenshot({ path: join(ARTIFACTS, 'clip-view.png') })
    await page.getByRole('button', { name: 'Back to library' }).click()
  })

  it('shows insights, fine-tuning (refusing two labels honestly) and settings', async () => {
    const { page } = s
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Insights' }).click()
    await page.getByRole('heading', { name: 'Score distribution' }).waitFor()
    await page.screenshot({ path: join(ARTIFACTS, 'insights.png') })
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Fine-tuning' }).click()
    await page.getByRole('status').filter({ hasText: /Too few labelled clips/ }).waitFor()
    expect(await page.getByRole('button', { name: 'Start fine-tuning' }).isDisabled()).toBe(true)
    await page.screenshot({ path: join(ARTIFACTS, 'fine-tuning.png') })
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Settings' }).click()
    await page.getByRole('heading', { name: 'Model packs' }).waitFor()
    await page.screenshot({ path: join(ARTIFACTS, 'settings.png') })
    await page.getByRole('combobox', { name: 'Theme' }).selectOption({ label: 'Dark' })
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset['theme'])).toBe('dark')
    await page.screenshot({ path: join(ARTIFACTS, 'settings-dark.png') })
    await page.getByRole('combobox', { name: 'Theme' }).selectOption({ label: 'Light' })
    // Hardware decoding: the status says how video is decoded here; turning it off is said as such.
    await page.getByTestId('decode-status').filter({ hasText: /^Video is decoded in (hardware|software)/ }).waitFor()
    await page.getByRole('combobox', { name: 'Hardware decoding' }).selectOption('off')
    await page.getByTestId('decode-status').filter({ hasText: 'hardware decoding is off' }).waitFor()
    await page.getByRole('combobox', { name: 'Hardware decoding' }).selectOption('auto')
    await page.getByTestId('decode-status').filter({ hasNotText: 'hardware decoding is off' }).waitFor()
    await page.getByRole('combobox', { name: 'Hardware decoding' }).scrollIntoViewIfNeeded()
    await page.screenshot({ path: join(ARTIFACTS, 'settings-decoding.png') })
  })

  it('logged no errors in the page', () => {
    expect(s.consoleErrors.filter((e) => !/Failed to load resource.*404/.test(e))).toEqual([])
  })
})
