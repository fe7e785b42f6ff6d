/**
 * E2E harness: builds the app if needed, starts a real core + browser-mode server on a fresh data folder, and
 * launches Debian's Chromium through playwright-core. Each spec gets its own profile and data folder.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { createCore, type Core } from '../src/core/api/core'
import { browserMediaUrls, startServer, type RunningServer } from '../src/server/server'

export const ROOT = resolve(__dirname, '..')
export const ARTIFACTS = join(ROOT, 'test-results', 'e2e')

export function chromiumPath(): string {
  const p = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium'
  if (!existsSync(p)) throw new Error(`Chromium not found at ${p}: install Debian's chromium (npm run setup -- --for-tests) or set CHROMIUM_PATH`)
  return p
}

export function ensureBuilt(): string {
  const renderer = join(ROOT, 'out', 'renderer')
  if (!existsSync(join(renderer, 'index.html'))) {
    execFileSync(process.execPath, [join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: ROOT, stdio: 'inherit' })
  }
  return renderer
}

export interface Session {
  dir: string
  core: Core
  server: RunningServer
  browser: Browser
  page: Page
  consoleErrors: string[]
  close(): Promise<void>
}

export async function startSession(): Promise<Session> {
  const rendererDir = ensureBuilt()
  const dir = mkdtempSync(join(tmpdir(), 'vqa-e2e-'))
  mkdirSync(ARTIFACTS, { recursive: true })
  const core = createCore({
    dataDir: join(dir, 'data'),
    host: 'browser',
    version: 'e2e',
    watch: true,
    urls: browserMediaUrls
  })
  const server = await startServer({ core, rendererDir })
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--no-first-run', '--disable-quic', '--autoplay-policy=no-user-gesture-required']
  })
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  const page = await context.newPage()
  const consoleErrors: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text())
  })
  page.on('pageerror', (e) => consoleErrors.push(e.message))
  await page.goto(server.url)
  return {
    dir, core, server, browser, page, consoleErrors,
    async close() {
      await browser.close()
      await server.close()
      await core.close()
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
