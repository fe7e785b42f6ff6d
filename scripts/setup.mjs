#!/usr/bin/env node
// One setup for every machine. Installs the npm dependencies (skipping the downloads that cannot work offline:
// Electron's binary and onnxruntime-node's CUDA libraries), makes sure ffmpeg is there, builds better-sqlite3 for
// Electron's ABI where Electron exists, and with --for-tests makes sure Chromium is there for the browser tests.
// A machine with internet gets the full downloads from the same command.
import { execFileSync, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:https'
import { createRequire } from 'node:module'
import { delimiter, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const forTests = process.argv.includes('--for-tests')
const log = (msg) => process.stdout.write(`[setup] ${msg}\n`)
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0

function onPath(cmd) {
  return (process.env.PATH ?? '').split(delimiter).some((d) => d && existsSync(join(d, cmd)))
}

function reachable(host, timeoutMs = 4000) {
  return new Promise((resolve) => {
    const req = request({ host, method: 'HEAD', path: '/', timeout: timeoutMs }, (res) => {
      res.resume()
      resolve(true)
    })
    req.on('timeout', () => {
      req.destroy()
      resolve(false)
    })
    req.on('error', () => resolve(false))
    req.end()
  })
}

function run(cmd, args, env = process.env) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env })
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status})`)
}

let aptUpdated = false
function aptInstall(pkgs, why) {
  if (!(isRoot && onPath('apt-get'))) {
    throw new Error(`${why} is missing. Install it with your package manager (Debian/Ubuntu: sudo apt-get install ${pkgs.join(' ')}).`)
  }
  log(`installing ${pkgs.join(' ')} from Debian packages (${why})`)
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  if (!aptUpdated) {
    run('apt-get', ['update', '-qq'], env)
    aptUpdated = true
  }
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...pkgs], env)
}

async function installNodeModules() {
  const lock = join(root, 'package-lock.json')
  const stampFile = join(root, 'node_modules', '.vqa-setup-stamp')
  const want = createHash('sha256').update(readFileSync(lock)).digest('hex')
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === want) {
    log('npm dependencies are up to date')
    return
  }
  const online = await reachable('github.com')
  const env = { ...process.env }
  if (!online) {
    // These postinstall steps download from GitHub/NuGet and would fail the whole install here.
    log('no internet beyond the package registry: skipping the Electron binary and the CUDA libraries (browser mode works)')
    env.ELECTRON_SKIP_BINARY_DOWNLOAD = '1'
    env.ONNXRUNTIME_NODE_INSTALL = 'skip'
  }
  run('npm', ['ci', '--no-audit', '--no-fund'], env)
  writeFileSync(stampFile, want)
}

function electronBinary() {
  try {
    const require = createRequire(join(root, 'package.json'))
    const p = require('electron')
    return typeof p === 'string' && existsSync(p) ? p : null
  } catch {
    return null
  }
}

// better-sqlite3 is built for Node in node_modules (CLI, tests, browser mode). Electron needs its own ABI: build a
// second copy into .native/electron so that neither host ever has to rebuild the other's.
function nativeForElectron() {
  if (!electronBinary()) return
  const require = createRequire(join(root, 'package.json'))
  const electronVersion = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version
  const target = join(root, '.native', 'electron', 'better_sqlite3.node')
  const stamp = `${target}.version`
  if (existsSync(target) && existsSync(stamp) && readFileSync(stamp, 'utf8') === electronVersion) return
  log(`building better-sqlite3 for Electron ${electronVersion}`)
  const src = dirname(require.resolve('better-sqlite3/package.json'))
  const work = join(root, '.native', 'build', 'better-sqlite3')
  rmSync(work, { recursive: true, force: true })
  mkdirSync(dirname(work), { recursive: true })
  cpSync(src, work, { recursive: true, filter: (p) => !p.includes(`${join(src, 'build')}`) })
  const prebuild = join(dirname(require.resolve('prebuild-install/package.json')), 'bin.js')
  const tryPrebuilt = spawnSync(process.execPath, [prebuild, '--runtime', 'electron', '--target', electronVersion, '--arch', process.arch], {
    cwd: work,
    stdio: 'inherit'
  })
  if (tryPrebuilt.status !== 0) {
    run('npm', ['exec', '--yes', '--', 'node-gyp', 'rebuild', '--release', `--target=${electronVersion}`, `--arch=${process.arch}`, '--dist-url=https://electronjs.org/headers', `--directory=${work}`])
  }
  mkdirSync(dirname(target), { recursive: true })
  cpSync(join(work, 'build', 'Release', 'better_sqlite3.node'), target)
  writeFileSync(stamp, electronVersion)
}

function ensureFfmpeg() {
  if (process.env.FFMPEG_PATH && process.env.FFPROBE_PATH) return
  let staticOk = false
  try {
    const require = createRequire(join(root, 'package.json'))
    const p = require('ffmpeg-static')
    staticOk = typeof p === 'string' && existsSync(p)
  } catch {
    staticOk = false
  }
  if (staticOk || (onPath('ffmpeg') && onPath('ffprobe'))) return
  aptInstall(['ffmpeg'], 'ffmpeg')
}

function ensureChromium() {
  const wanted = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
  if (existsSync(wanted)) return
  aptInstall(['chromium'], 'Chromium (for the end-to-end tests)')
}

// OpenCV's BRISQUE model (trained on the LIVE human study) and its reference image come from Debian's opencv-doc;
// the tests that check our ONNX BRISQUE against OpenCV's figure need them. Unpacked into .cache/, not installed.
function ensureOpenCvDoc() {
  const marker = join(root, '.cache', 'opencv-doc', 'usr', 'share', 'doc', 'opencv-doc', 'examples', 'quality', 'brisque_model_live.yml')
  if (existsSync(marker) || process.env.OPENCV_DOC_DIR) return
  if (!onPath('apt-get')) {
    log('opencv-doc is not available (no apt-get): the BRISQUE reference tests will be skipped')
    return
  }
  log('fetching opencv-doc (BRISQUE reference model) into .cache/')
  run('bash', [join(root, 'src', 'modelkit', 'brisque', 'fetch-opencv-doc.sh')])
}

try {
  await installNodeModules()
  ensureFfmpeg()
  nativeForElectron()
  if (forTests) {
    ensureChromium()
    ensureOpenCvDoc()
  }
  const ff = execFileSync(process.env.FFMPEG_PATH ?? 'ffmpeg', ['-hide_banner', '-version'], { encoding: 'utf8' }).split('\n')[0]
  log(`ready (${ff}; Electron ${electronBinary() ? 'present' : 'absent: browser mode'})`)
} catch (err) {
  process.stderr.write(`[setup] ${err.message}\n`)
  process.exit(1)
}
