// The layering rules in eslint.config.mjs are what keeps "one core, three hosts" true; check that they bite.
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

const eslint = new ESLint({ cwd: process.cwd() })

async function layerErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath })
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message)
}

describe('import layering', () => {
  it.each([
    ['src/core/x.ts', "import { app } from 'electron'\nexport const a = app"],
    ['src/core/x.ts', "import { x } from '../main/window'\nexport const a = x"],
    ['src/shared/x.ts', "import { readFileSync } from 'node:fs'\nexport const a = readFileSync"],
    ['src/renderer/src/x.ts', "import Database from 'better-sqlite3'\nexport const a = Database"],
    ['src/renderer/src/x.ts', "import { createCore } from '../../core/api/core'\nexport const a = createCore"],
    ['src/cli/x.ts', "import { app } from 'electron'\nexport const a = app"],
    ['src/preload/x.ts', "import { createCore } from '../core/api/core'\nexport const a = createCore"],
    ['src/core/x.ts', "import { GraphBuilder } from '../modelkit/onnx/graph'\nexport const a = GraphBuilder"]
  ])('forbids %s: %s', async (file, code) => {
    expect(await layerErrors(file, code)).not.toHaveLength(0)
  })

  it.each([
    ['src/core/x.ts', "import { methods } from '../shared/contract'\nexport const a = methods"],
    ['src/renderer/src/x.ts', "import { methods } from '../../shared/contract'\nexport const a = methods"],
    ['src/main/x.ts', "import { createCore } from '../core/api/core'\nimport { app } from 'electron'\nexport const a = [createCore, app]"]
  ])('allows %s: %s', async (file, code) => {
    expect(await layerErrors(file, code)).toEqual([])
  })
})
