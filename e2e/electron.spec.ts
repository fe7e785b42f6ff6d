// The desktop app itself, driven by Playwright's Electron support. It runs wherever the Electron binary is installed
// and is skipped, saying why, where it is not (as on machines whose only network is the npm registry).
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { _electron as electron, type ElectronApplication } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeClip } from '../src/core/testing/media-fixtures'
import { ARTIFACTS, ensureBuilt, ROOT } from './harness'

function electronBinary(): string | null {
  try {
    const p = createRequire(join(ROOT, 'package.json'))('electron') as unknown
    return typeof p === 'string' && existsSync(p) ? p : null
  } catch {
    return null
  }
}

const binary = electronBinary()
const noDisplay = process.platform === 'linux' && !process.env['DISPLAY'] && !process.env['WAYLAND_DISPLAY']
const skipReason = !binary
  ? 'the Electron binary is not installed (installed with ELECTRON_SKIP_BINARY_DOWNLOAD, or without internet); browser-mode e2e covers the UI here'
  : noDisplay
    ? 'there is no display (set DISPLAY, e.g. run under xvfb-run)'
    : null
if (skipReason) console.warn(`[e2e] Electron spec skipped: ${skipReason}`)

describe.skipIf(skipReason !== null)('Electron app', () => {
  let app: ElectronApplication
  let dir: string

  beforeAll(async () => {
    ensureBuilt()
    dir = mkdtempSync(join(tmpdir(), 'vqa-electron-'))
    mkdirSync(join(dir, 'footage'))
    await makeClip(join(dir, 'footage', 'clip.mp4'), { seconds: 3, width: 320, height: 180 })
    app = await electron.launch({
      executablePath: binary!,
      args: [ROOT],
      env: { ...process.env, VQA_DATA_DIR: join(dir, 'data') } as Record<string, string>
    })
  })

  afterAll(async () => {
    await app?.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('opens a sandboxed window that sees only the contract', async () => {
    const page = await app.firstWindow()
    await page.getByRole('button', { name: 'Add your first folder' }).waitFor()
    expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined')
    expect(await page.evaluate(() => Object.keys((window as unknown as { vqa: object }).vqa).sort())).toEqual(['invoke', 'on'])
  })

  it('adds a folder, lists and plays the clip through vqa-media://', async () => {
    const page = await app.firstWindow()
    await page.evaluate((p) => (window as unknown as { vqa: { invoke(m: string, i: unknown): Promise<unknown> } }).vqa.invoke('folders.add', { path: p }), join(dir, 'footage'))
    const row = page.getByRole('grid', { name: 'Clips' }).getByRole('row', { name: /clip\.mp4/ })
    await row.waitFor({ timeout: 30_000 })
    await row.dblclick()
    await page.waitForFunction(() => (document.querySelector('video')?.readyState ?? 0) >= 2, undefined, { timeout: 20_000 })
    await page.locator('video').evaluate((v: HTMLVideoElement) => ((v.muted = true), v.play()))
    await page.waitForFunction(() => (document.querySelector('video')?.currentTime ?? 0) > 0.5, undefined, { timeout: 20_000 })
    await page.screenshot({ path: join(ARTIFACTS, 'electron-clip.png') })
  })
})
