// The pack format against a DOVER-shaped model, and a broken pack for each way packs break.
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadPack, PackError, scoresFrom } from '../../core/engine/pack'
import { OrtEngine } from '../../core/engine/ort'
import { ModelManifest } from '../../shared/model-pack'
import { doverLikeManifest, writeDoverLikePack } from './dover-signature'

const root = mkdtempSync(join(tmpdir(), 'vqa-pack-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))
const engine = new OrtEngine('cpu', 2)

function fragmentsTensor(clips: number): Float32Array {
  const t = new Float32Array(clips * 3 * 32 * 224 * 224)
  for (let i = 0; i < t.length; i++) t[i] = ((i * 7919) % 255) / 58 - 2
  return t
}

describe('a DOVER-signature pack', () => {
  it('validates, loads, runs on fragment and resize views, and maps its outputs to 1–5', async () => {
    const dir = await writeDoverLikePack(join(root, 'dover'))
    expect(ModelManifest.safeParse(doverLikeManifest()).success).toBe(true)
    const pack = await loadPack(dir, engine)
    try {
      const values = await pack.run({
        aesthetic: { data: fragmentsTensor(1), dims: [1, 3, 32, 224, 224] },
        technical: { data: fragmentsTensor(3), dims: [3, 3, 32, 224, 224] } // three clips, as DOVER's config samples
      })
      expect(values.get('dover.aesthetic_score')?.dims).toEqual([1])
      const [score] = scoresFrom(pack.manifest, values)
      expect(score).toBeGreaterThanOrEqual(1)
      expect(score).toBeLessThanOrEqual(5)
    } finally {
      await pack.dispose()
    }
  })
})

describe('broken packs get clear errors', () => {
  const broken = async (name: string, edit: (dir: string) => void): Promise<string> => {
    const dir = await writeDoverLikePack(join(root, name))
    edit(dir)
    try {
      await loadPack(dir, engine)
    } catch (err) {
      expect(err).toBeInstanceOf(PackError)
      return (err as Error).message
    }
    throw new Error('loaded a broken pack')
  }
  const editManifest = (dir: string, f: (m: ReturnType<typeof doverLikeManifest>) => void): void => {
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as ReturnType<typeof doverLikeManifest>
    f(m)
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m))
  }

  it('no manifest', async () => expect(await broken('none', (d) => rmSync(join(d, 'manifest.json')))).toMatch(/no manifest\.json/))
  it('not JSON', async () => expect(await broken('json', (d) => writeFileSync(join(d, 'manifest.json'), '{nope'))).toMatch(/not valid JSON/))
  it('wrong format', async () =>
    expect(await broken('format', (d) => editManifest(d, (m) => ((m as { format: string }).format = 'other/9')))).toMatch(/format/))
  it('missing ONNX file', async () => expect(await broken('file', (d) => rmSync(join(d, 'dover.onnx')))).toMatch(/dover\.onnx, which is missing/))
  it('not an ONNX file', async () =>
    expect(await broken('garbage', (d) => writeFileSync(join(d, 'dover.onnx'), 'hello'))).toMatch(/not a model ONNX Runtime can load/))
  it('input the model does not have', async () =>
    expect(await broken('input', (d) => editManifest(d, (m) => (m.stages[0]!.inputs[0]!.name = 'frames')))).toMatch(/no input "frames"/))
  it('a fixed size that disagrees', async () =>
    expect(await broken('dims', (d) => editManifest(d, (m) => (m.stages[0]!.inputs[0]!.shape = [1, 3, 16, 224, 224])))).toMatch(/dimension 2 is 32/))
  it('an output nothing produces', async () =>
    expect(
      await broken('wiring', (d) =>
        editManifest(d, (m) => {
          if (m.outputs.score.kind === 'scalar') m.outputs.score.terms[0]!.from = 'dover.nothing'
        })
      )
    ).toMatch(/dover\.nothing is not produced/))
  it('a view nobody declared', async () =>
    expect(await broken('view', (d) => editManifest(d, (m) => (m.stages[0]!.inputs[0]!.from = 'view:global')))).toMatch(/unknown view:global/))
})
