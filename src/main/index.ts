/**
 * The Electron host: one window, the contract over IPC, local media over the vqa-media:// protocol.
 * All the work is in the core; this file only wires Electron to it.
 */
import { app, BrowserWindow, dialog, ipcMain, protocol, session, shell } from 'electron'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Readable } from 'node:stream'
import { ipcChannel, methodNames } from '../shared/contract'
import { createCore, type Core } from '../core/api/core'
import { dispatch } from '../core/api/dispatch'
import { fileResponse } from '../core/media/range'
import { defaultDataDir } from '../core/paths'

const SCHEME = 'vqa-media'

// Must run before the app is ready: a standard, secure, streamable scheme is what <video> needs to seek.
protocol.registerSchemesAsPrivileged([
  { scheme: SCHEME, privileges: { standard: true, secure: true, stream: true, supportFetchAPI: true } }
])

let core: Core | null = null
let win: BrowserWindow | null = null

function rendererUrl(): string {
  // pathToFileURL percent-encodes and uses '/' on Windows: the same text Chromium reports for the page.
  return process.env['ELECTRON_RENDERER_URL'] ?? pathToFileURL(join(__dirname, '../renderer/index.html')).href
}

/** Only our own page may call the core: its exact URL, whatever the hash route. */
function trustedSender(frameUrl: string | undefined): boolean {
  if (!frameUrl) return false
  const page = (u: string): string => u.split('#')[0]!.split('?')[0]!
  return page(frameUrl) === page(rendererUrl())
}

function serveMedia(c: Core): void {
  protocol.handle(SCHEME, async (request) => {
    const url = new URL(request.url)
    const id = Number(url.pathname.replace(/^\//, ''))
    if (!Number.isInteger(id) || id <= 0) return new Response('Not found', { status: 404 })
    const file =
      url.host === 'clip'
        ? c.clipFile(id)
        : url.host === 'thumb'
          ? await c.thumbnailFile(id)
          : url.host === 'preview'
            ? await c.previewFile(id)
            : url.host === 'strip'
              ? await c.stripFile(id)
              : null
    if (!file) return new Response('Not in the catalog', { status: 404 })
    try {
      const r = await fileResponse(file, request.headers.get('range'))
      const body = r.body ? (Readable.toWeb(r.body) as ReadableStream<Uint8Array>) : null
      return new Response(body, { status: r.status, headers: r.headers })
    } catch {
      return new Response('File is gone', { status: 404 })
    }
  })
}

function wireIpc(c: Core): void {
  for (const method of methodNames) {
    ipcMain.handle(ipcChannel(method), async (event, input: unknown) => {
      if (!trustedSender(event.senderFrame?.url)) return { ok: false, error: { code: 'forbidden', message: 'Untrusted sender' } }
      return dispatch(c.handlers, method, input)
    })
  }
  c.subscribe((event, payload) => {
    if (win && !win.isDestroyed()) win.webContents.send(ipcChannel(event), payload)
  })
}

function createWindow(): BrowserWindow {
  const w = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 800,
    minHeight: 500,
    show: false,
    title: 'VQA Inspector',
    backgroundColor: '#16181d',
    webPreferences: {
      preload: join(__dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false
    }
  })
  w.once('ready-to-show', () => w.show())
  // The renderer is a single page: no navigation, no new windows. Links to the web open in the user's browser.
  w.webContents.on('will-navigate', (e, url) => {
    if (url !== w.webContents.getURL()) e.preventDefault()
  })
  w.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url)
    return { action: 'deny' }
  })
  void w.loadURL(rendererUrl())
  return w
}

async function start(): Promise<void> {
  // One app per catalog: a second launch focuses the first window instead of competing for the same jobs.
  if (!app.requestSingleInstanceLock()) {
    app.quit()
    return
  }
  app.on('second-instance', () => {
    if (win) {
      if (win.isMinimized()) win.restore()
      win.focus()
    }
  })
  await app.whenReady()
  process.env['VQA_APP_ROOT'] ??= app.getAppPath()
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))
  try {
    core = createCore({
      dataDir: defaultDataDir(),
      host: 'electron',
      version: app.getVersion(),
      watch: true,
      urls: {
        clip: (id) => `${SCHEME}://clip/${id}`,
        thumbnailBase: `${SCHEME}://thumb/`,
        preview: (id) => `${SCHEME}://preview/${id}`,
        strip: (id) => `${SCHEME}://strip/${id}`
      },
      pickFolder: async () => {
        const options: Electron.OpenDialogOptions = { properties: ['openDirectory'], title: 'Add a folder of footage' }
        const r = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options)
        return r.canceled ? null : (r.filePaths[0] ?? null)
      }
    })
  } catch (err) {
    dialog.showErrorBox('VQA Inspector cannot start', (err as Error).message)
    app.exit(3)
    return
  }
  serveMedia(core)
  wireIpc(core)
  win = createWindow()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) win = createWindow()
  })
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})

let quitting = false
app.on('before-quit', (e) => {
  if (quitting || !core) return
  e.preventDefault()
  quitting = true
  // Running jobs stay 'running' in the catalog and resume on the next start.
  void core.close().finally(() => app.quit())
})

void start()
