#!/usr/bin/env node
'use strict'
// The CLI is bundled by `npm run build` (electron-vite) into out/main/cli.js together with the core.
const { existsSync } = require('node:fs')
const { join } = require('node:path')
const built = join(__dirname, '..', 'out', 'main', 'cli.js')
if (!existsSync(built)) {
  process.stderr.write('vqa: the app is not built yet. Run "npm run build" (or "npm run quickstart") in ' + join(__dirname, '..') + '\n')
  process.exit(3)
}
require(built)
  .main(process.argv.slice(2))
  .then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write('vqa: ' + ((err && err.stack) || String(err)) + '\n')
      process.exit(3)
    }
  )
