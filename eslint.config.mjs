// Lint: typescript-eslint's recommended rules, plus the layering rules that keep "one core, three hosts" true.
// Each folder is named for the runtime it may use; the rules below say which folders it may import.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

const nodeBuiltins = ['node:*', 'fs', 'path', 'child_process', 'os', 'crypto', 'http', 'net', 'stream', 'url', 'util']
const layer = (files, forbidden, message) => ({
  files,
  rules: {
    'no-restricted-imports': ['error', { patterns: forbidden.map((group) => ({ group: [group], message })) }]
  }
})

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'test-results/**', '.native/**', '.cache/**', '**/node_modules/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', __dirname: 'readonly', require: 'readonly', module: 'readonly' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-undef': 'off'
    }
  },
  { files: ['bin/**/*.js'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
  layer(['src/shared/**'], [...nodeBuiltins, 'electron', '**/core/**', '**/main/**', '**/renderer/**', '**/server/**', '**/cli/**', '**/preload/**'],
    'src/shared is pure TypeScript shared by every runtime: no Node, no Electron, no other layer.'),
  layer(['src/core/**'], ['electron', 'electron/*', '**/main/**', '**/renderer/**', '**/preload/**', '**/server/**', '**/cli/**', '**/modelkit/**'],
    'The core is plain Node: hosts import it, never the other way round, and it never imports Electron.'),
  layer(['src/renderer/**'], [...nodeBuiltins, 'electron', '**/core/**', '**/main/**', '**/server/**', '**/cli/**', '**/preload/**', 'better-sqlite3', 'onnxruntime-node'],
    'The renderer reaches the app only through the contract (src/shared) — no Node, files or database.'),
  layer(['src/preload/**'], ['**/core/**', '**/main/**', '**/renderer/**', '**/server/**', '**/cli/**'],
    'The preload only bridges the contract.'),
  layer(['src/server/**', 'src/cli/**'], ['electron', 'electron/*', '**/main/**', '**/renderer/**', '**/preload/**', '**/modelkit/**'],
    'Browser mode and the CLI are Node hosts: no Electron, and no build-time model tooling.'),
  layer(['src/modelkit/**'], ['electron', 'electron/*', '**/main/**', '**/renderer/**', '**/preload/**', '**/server/**', '**/cli/**'],
    'src/modelkit builds model packs at build time: it may use the core, never a host.'),
  layer(['src/main/**'], ['**/renderer/**', '**/server/**', '**/cli/**'], 'The Electron host composes the core; it does not reach into other hosts.')
)
