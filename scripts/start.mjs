#!/usr/bin/env node
// `npm start`: the Electron app where its binary exists and a display is there; otherwise (or with --browser)
// browser mode, which prints a loopback URL with its token. Other arguments go to `vqa serve`.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const args = process.argv.slice(2)
const wantBrowser = args.includes('--browser')
const rest = args.filter((a) => a !== '--browser')

function electronBinary() {
  try {
    const p = createRequire(join(root, 'package.json'))('electron')
    return typeof p === 'string' && existsSync(p) ? p : null
  } catch {
    return null
  }
}

if (!existsSync(join(root, 'out', 'main', 'cli.js'))) {
  process.stderr.write('The app is not built yet: run "npm run build" first (or "npm run quickstart").\n')
  process.exit(3)
}

const electron = electronBinary()
const noDisplay = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY
let child
if (!wantBrowser && electron && !noDisplay) {
  child = spawn(electron, [root, ...rest], { stdio: 'inherit' })
} else {
  const why = wantBrowser ? 'asked for' : !electron ? 'the Electron binary is not installed' : 'there is no display'
  process.stdout.write(`Starting browser mode (${why}).\n`)
  child = spawn(process.execPath, [join(root, 'out', 'main', 'cli.js'), 'serve', ...rest], { stdio: 'inherit' })
}
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig))
child.on('exit', (code) => process.exit(code ?? 0))
