// The Library, as a user meets it in browser mode: add a folder through the UI, see the clips, search, open one, play it.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeClip } from '../src/core/testing/media-fixtures'
import { ARTIFACTS, startSession, type Session } from './harness'

let s: Session
let footage: string

beforeAll(async () => {
  s = await startSession()
  footage = join(s.dir, 'Footage 2026 – ünïcødé')
  mkdirSync(join(footage, 'day 1'), { recursive: true })
  await makeClip(join(footage, 'interview take 1.mp4'), { seconds: 4, width: 640, height: 360, fps: 25, audio: true })
  await makeClip(join(footage, 'day 1', 'drone pass.webm'), { seconds: 2, codec: 'vp9', width: 320, height: 180 })
  await makeClip(join(footage, 'day 1', 'street.mp4'), { seconds: 2, width: 320, height: 180, source: 'mandelbrot' })
  writeFileSync(join(footage, 'day 1', 'notes.mp4'), 'this is not a video')
})

afterAll(async () => {
  await s?.close()
})

describe('Library in browser mode', () => {
  it('starts empty and says what to do', async () => {
    const { page } = s
    await page.getByRole('button', { name: 'Add your first folder' }).waitFor()
    await page.screenshot({ path: join(ARTIFACTS, 'library-empty.png') })
  })

  it('adds a folder through the folder browser and lists its clips with the broken one explained', async () => {
    const { page } = s
    await page.getByRole('button', { name: 'Add folder' }).click()
    const dialog = page.getByRole('dialog', { name: 'Choose a folder' })
    await dialog.getByRole('textbox', { name: 'Folder path' }).fill(footage)
    await dialog.getByRole('button', { name: 'Go' }).click()
    await dialog.getByRole('button', { name: 'day 1' }).waitFor()
    await page.screenshot({ path: join(ARTIFACTS, 'folder-picker.png') })
    await dialog.getByRole('button', { name: 'Add this folder' }).click()
    await dialog.waitFor({ state: 'detached' })

    const grid = page.getByRole('grid', { name: 'Clips' })
    await grid.getByRole('row', { name: /interview take 1\.mp4/ }).waitFor()
    await grid.getByRole('row', { name: /street\.mp4/ }).waitFor()
    await grid.getByRole('row', { name: /drone pass\.webm/ }).waitFor()
    const broken = grid.getByRole('row', { name: /notes\.mp4/ })
    await broken.waitFor()
    expect(await broken.textContent()).toMatch(/Error/)
    expect(await broken.textContent()).toMatch(/Not a media file|Truncated/) // the reason, in the row itself
    await page.getByRole('status').filter({ hasText: /4 clips/ }).waitFor()
    // Thumbnails are made by ffmpeg on request; wait until every good clip's has decoded.
    await page.waitForFunction(
      () => [...document.querySelectorAll<HTMLImageElement>('img[src*="/media/thumb/"]')].filter((i) => i.complete && i.naturalWidth > 0).length >= 3,
      undefined,
      { timeout: 30_000 }
    )
    await page.screenshot({ path: join(ARTIFACTS, 'library.png') })
  })

  it('searches, filters and narrows by folder', async () => {
    const { page } = s
    const grid = page.getByRole('grid', { name: 'Clips' })
    await page.getByRole('searchbox', { name: 'Search clips' }).fill('inter')
    await page.getByRole('status').filter({ hasText: /^1 clip/ }).waitFor()
    expect(await grid.getByRole('row', { name: /street\.mp4/ }).count()).toBe(0)
    await page.getByRole('searchbox', { name: 'Search clips' }).fill('')
    await page.getByRole('combobox', { name: 'Status filter' }).selectOption({ label: 'Errors' })
    await page.getByRole('status').filter({ hasText: /^1 clip/ }).waitFor()
    await grid.getByRole('row', { name: /notes\.mp4/ }).waitFor()
    await page.getByRole('combobox', { name: 'Status filter' }).selectOption({ label: 'Any status' })
    await page.getByRole('navigation', { name: 'Folders' }).getByRole('button', { name: /^day 1/ }).click()
    await page.getByRole('status').filter({ hasText: /^3 clips/ }).waitFor()
    await page.getByRole('navigation', { name: 'Folders' }).getByRole('button', { name: /^All clips/ }).click()
    await page.getByRole('status').filter({ hasText: /^4 clips/ }).waitFor()
  })

  it('sorts by a column', async () => {
    const { page } = s
    await page.getByRole('button', { name: 'Duration' }).click()
    const header = page.getByRole('columnheader', { name: 'Duration' })
    await expect.poll(() => header.getAttribute('aria-sort')).toMatch(/ascending|descending/)
  })

  it('opens a clip, shows its metadata and plays it', async () => {
    const { page } = s
    // Narrow to the one clip first: after a re-sort, rows move under the pointer while the new order loads.
    await page.getByRole('searchbox', { name: 'Search clips' }).fill('interview')
    await page.getByRole('status').filter({ hasText: /^1 clip/ }).waitFor()
    await page.getByRole('grid', { name: 'Clips' }).getByRole('row', { name: /interview take 1\.mp4/ }).click()
    const details = page.getByRole('group', { name: 'Clip details' })
    await details.waitFor()
    await expect.poll(() => details.textContent()).toMatch(/640\s*×\s*360/)
    expect(await details.textContent()).toMatch(/h264/i)
    expect(await details.textContent()).toMatch(/aac/i)
    const video = page.locator('video')
    await video.waitFor()
    await page.waitForFunction(() => (document.querySelector('video')?.readyState ?? 0) >= 2, undefined, { timeout: 20_000 })
    await video.evaluate((v: HTMLVideoElement) => {
      v.muted = true
      return v.play()
    })
    await page.waitForFunction(() => (document.querySelector('video')?.currentTime ?? 0) > 0.5, undefined, { timeout: 20_000 })
    // Seeking needs HTTP range support from the server.
    await video.evaluate((v: HTMLVideoElement) => {
      v.pause()
      v.currentTime = 3
    })
    await page.waitForFunction(() => Math.abs((document.querySelector('video')?.currentTime ?? 0) - 3) < 0.2)
    await page.screenshot({ path: join(ARTIFACTS, 'clip.png') })
    await page.getByRole('button', { name: 'Back to library' }).click()
    await page.getByRole('grid', { name: 'Clips' }).waitFor()
    await page.getByRole('searchbox', { name: 'Search clips' }).fill('')
  })

  it('shows files that appear in a watched folder without a manual rescan', async () => {
    const { page } = s
    await makeClip(join(footage, 'late arrival.mp4'), { seconds: 1 })
    await page.getByRole('grid', { name: 'Clips' }).getByRole('row', { name: /late arrival\.mp4/ }).waitFor({ timeout: 30_000 })
  })

  it('logged no errors in the page', () => {
    expect(s.consoleErrors.filter((e) => !/Failed to load resource.*404/.test(e))).toEqual([])
  })
})
