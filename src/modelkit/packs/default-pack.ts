/**
 * The default pack, "vqa-default": measurement stage (ONNX, src/modelkit/measure), BRISQUE (ONNX, from OpenCV's
 * LIVE-trained model) and the learned head (src/core/model/head.ts). This file declares its views and manifest and
 * writes its stage files; build-default.ts trains the head and assembles it.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { View, type ModelManifest } from '../../shared/model-pack'
import { headToOnnx, type HeadWeights } from '../../core/model/head'
import { buildBrisqueModel } from '../brisque/graph'
import { parseOpenCvRange, parseOpenCvSvr } from '../brisque/opencv-model'
import { DISTORTION_IDS } from '../dataset/distortions'
import { MORE_TRAIN_PACKAGES } from '../dataset/sources'
import { buildMeasureModel, MEASUREMENTS, PARTS } from '../measure/graph'
import type { TrainResult } from '../head/train'

export const PACK_NAME = 'vqa-default'
export const SEGMENT_SECONDS = 2

export const DEFAULT_VIEWS: View[] = [
  View.parse({ name: 'frag', kind: 'fragments', grid: [4, 4], patch: [64, 64], align: 8, frames: 64, sampling: 'consecutive', maxFps: 30, pixelFormat: 'gray', layout: 'TCHW', dtype: 'uint8' }),
  // The measuring views are built on fast scaling (ResizeView.scaling): what they measure is means and extremes of a
  // small picture, not what a deep network trained on plain resizes would need.
  View.parse({ name: 'glob', kind: 'resize', size: [90, 160], fit: 'stretch', scaling: 'fast', frames: 64, sampling: 'consecutive', maxFps: 30, pixelFormat: 'rgb', layout: 'TCHW', dtype: 'uint8' }),
  View.parse({ name: 'still', kind: 'resize', size: [288, 512], fit: 'stretch', scaling: 'fast', frames: 1, sampling: 'uniform', fixedCount: true, maxFps: 30, pixelFormat: 'gray', layout: 'TCHW', dtype: 'float32' })
]

export const DISTORTION_LABELS: Record<string, [string, string]> = {
  blur: ['Blur', 'Soft picture, fine detail lost (focus, motion blur, upscaling)'],
  noise: ['Noise', 'Grain or sensor noise'],
  blocking: ['Blocking', '8×8 blocks and ringing from low-bitrate compression'],
  banding: ['Banding', 'False contours in smooth gradients (too few levels)'],
  underexposure: ['Underexposure', 'Too dark, crushed shadows'],
  overexposure: ['Overexposure', 'Too bright, clipped highlights'],
  low_contrast: ['Low contrast', 'Flat, washed-out tones'],
  color_cast: ['Colour cast', 'A tint over the whole picture'],
  saturation: ['Saturation', 'Washed-out or oversaturated colour'],
  interlacing: ['Interlacing', 'Combing on moving edges'],
  freeze: ['Freeze', 'The picture stops while time goes on'],
  stutter: ['Stutter', 'Jerky motion from dropped or doubled frames'],
  flicker: ['Flicker', 'Brightness pumping from frame to frame'],
  shake: ['Shake', 'Camera jitter'],
  black: ['Black frames', 'Black or blank frames']
}

export interface TrainingSummary {
  trainingClips: number
  /** Of them, clips made from pictures shrunk first (soft clips and soft series). */
  softClips?: number
  /** Of them, clips made from the second set of pictures (dataset/sources.ts MORE_TRAIN_PACKAGES). */
  moreClips?: number
  trainingSegments: number
  validation: TrainResult['validation']
  calibration?: TrainResult['calibration']
  created: string
  seed: number
}

export function defaultManifest(version: string, summary: TrainingSummary | null, headSpecInputs: number): ModelManifest {
  return {
    format: 'vqa-pack/1',
    name: PACK_NAME,
    version,
    title: 'VQA Inspector default (measurements + learned head)',
    description:
      'Measures blur, noise, blocking, banding, exposure, contrast, colour, interlacing, freezes, stutter, flicker, shake and black frames ' +
      'on native-resolution fragments and a global view, adds BRISQUE, and maps them to a 1–5 score and per-distortion severities with an MLP (five small heads trained from different starting points, merged into one).',
    licence: 'MIT (BRISQUE stage: model data from OpenCV, Apache-2.0)',
    provenance: {
      summary:
        'Trained on synthetic, rule-based targets — not on human opinion scores. Its idea of quality is the documented penalty table in ' +
        'src/modelkit/dataset/TARGETS.md applied to distortions we added ourselves; only its BRISQUE input was fitted (by OpenCV) to human scores.',
      humanOpinionScores: false,
      trainingData: summary
        ? `${summary.trainingClips} clips (${summary.trainingSegments} ${summary.validation.fast ? 'segment measurements: each two-second segment measured whole and as fast triage reads it' : 'training samples: two-second segments and their half-second parts'}) made from Debian wallpaper and puzzle photographs (mate-backgrounds, plasma-workspace-wallpapers, palapeli-data${summary.moreClips ? `; ${summary.moreClips} of them from a second set of wallpaper photographs and digital paintings: ${MORE_TRAIN_PACKAGES.join(', ')}` : ''}), moved and distorted with ffmpeg at graded severities, singly, in pairs, in time windows, and as severity series (the same moving picture clean and at four levels of one distortion); ${summary.softClips !== undefined ? `${summary.softClips} of them` : 'some of them'} from pictures shrunk first, so that the clip is a 1.2–2× upscale (soft, with nothing added: clean)`
        : 'not trained yet',
      recipe:
        `npm run build:pack — generates the dataset (seeded), extracts measurements with this pack's own stages${summary?.validation.fast ? " (in full mode and again in fast mode, both with the segment's targets)" : ''}, trains the head with TensorFlow.js ` +
        '(soft-label cross-entropy on the five levels + score MSE + severity BCE + a ranking loss within each severity series, weight decay 1e-4; ' +
        "each segment's four parts are training samples for the severities too, at a quarter of a segment's weight, with targets from what was applied inside them), validates on held-back source photos" +
        (summary?.calibration
          ? `, shifts each severity's bias (by ${Math.min(...Object.values(summary.calibration.shifts)).toFixed(2)} to ${Math.max(...Object.values(summary.calibration.shifts)).toFixed(2)} logits, capped) so that finding and placing each distortion at 0.3 — a segment on its peak over the whole and its parts, and each part where the timeline places it — does best on those photos (mean F1 there ${summary.calibration.f1Before.toFixed(3)} → ${summary.calibration.f1After.toFixed(3)}, fitted there)`
          : '') +
        ', exports to ONNX.' +
        (summary ? ` Validation (unseen photos): SRCC ${summary.validation.srcc.toFixed(3)}, PLCC ${summary.validation.plcc.toFixed(3)}, RMSE ${summary.validation.rmse.toFixed(3)}, severity AUC ${summary.validation.severityAuc.toFixed(3)}${Number.isFinite(summary.validation.top1) ? `, top-1 attribution ${(100 * summary.validation.top1).toFixed(1)} %` : ''}${Number.isFinite(summary.validation.seriesSrcc) ? `, series SRCC ${summary.validation.seriesSrcc.toFixed(3)}` : ''}${summary.validation.fast ? `; fast-mode measurements: SRCC ${summary.validation.fast.srcc.toFixed(3)}, severity AUC ${summary.validation.fast.severityAuc.toFixed(3)}` : ''}.` : ''),
      created: summary?.created ?? new Date().toISOString().slice(0, 10)
    },
    segmentSeconds: SEGMENT_SECONDS,
    views: DEFAULT_VIEWS,
    stages: [
      {
        name: 'measure',
        file: 'measure.onnx',
        inputs: [
          { name: 'frag', from: 'view:frag', dtype: 'uint8', shape: ['frames', 1, 256, 256] },
          { name: 'glob', from: 'view:glob', dtype: 'uint8', shape: ['frames', 3, 90, 160] }
        ],
        outputs: [
          { name: 'features', dtype: 'float32', shape: [1, MEASUREMENTS.length] },
          { name: 'parts', dtype: 'float32', shape: [PARTS, MEASUREMENTS.length] }
        ],
        // The same features as 'all' (checked in core/engine/ort.test.ts) in about 60 % of the CPU time: 'all' wraps each of the
        // graph's 1-channel filters in NCHWc layout reorders. BRISQUE stays at 'all': its output moves with the level.
        optimization: 'extended'
      },
      {
        name: 'brisque',
        file: 'brisque.onnx',
        inputs: [{ name: 'gray', from: 'view:still', dtype: 'float32', shape: [1, 1, 'H', 'W'] }],
        outputs: [{ name: 'score', dtype: 'float32', shape: [1] }]
      },
      headStage('head', 'measure.features', headSpecInputs),
      // The same head on the segment's parts: when inside the segment each distortion is (findings, flags, timeline).
      headStage('head_parts', 'measure.parts', headSpecInputs)
    ],
    outputs: {
      score: { kind: 'levels', from: 'head.levels' },
      severities: 'head.severities',
      evidence: { from: 'measure.features', names: MEASUREMENTS.map((m) => m.name) },
      parts: { count: PARTS, score: { kind: 'levels', from: 'head_parts.levels' }, severities: 'head_parts.severities', evidence: 'measure.parts' }
    },
    scale: {
      min: 1,
      max: 5,
      levels: ['bad', 'poor', 'fair', 'good', 'excellent'],
      calibration:
        '5 = no added distortion; each distortion costs up to a documented maximum (e.g. severe blocking −3.4, black frames −3.8), combined over distortions. ' +
        'Not calibrated to mean opinion scores: on four real UGC clips with MOS 3.24–3.46 (KoNViD-1k, LSVQ) version 1.7.0 gives 4.04, 4.54, 3.19 and 3.63 ' +
        '(1.6.0 gave 3.64, 4.15, 3.03 and 3.88; 1.5.0 4.14, 4.30, 2.71 and 3.41): it reads real footage with no clear defect as good to excellent, higher than people did.'
    },
    distortions: DISTORTION_IDS.map((id) => ({ id, label: DISTORTION_LABELS[id]![0], description: DISTORTION_LABELS[id]![1] }))
  }
}

/** A stage running the learned head (head.onnx) on rows of measurements: the segment's, or its parts'. */
function headStage(name: string, from: string, headSpecInputs: number): ModelManifest['stages'][number] {
  return {
    name,
    file: 'head.onnx',
    inputs: [
      { name: 'measurements', from, dtype: 'float32', shape: ['N', headSpecInputs - 1] },
      // One BRISQUE value per segment, shared by its rows.
      { name: 'brisque', from: 'brisque.score', dtype: 'float32', shape: ['B'] }
    ],
    outputs: [
      { name: 'levels', dtype: 'float32', shape: ['N', 5] },
      { name: 'severities', dtype: 'float32', shape: ['N', DISTORTION_IDS.length] }
    ]
  }
}

export function opencvDocDir(root: string): string {
  return process.env['OPENCV_DOC_DIR'] ?? join(root, '.cache', 'opencv-doc', 'usr', 'share', 'doc', 'opencv-doc')
}

/** Writes measure.onnx and brisque.onnx (the fixed stages) into `dir`. */
export async function writeFixedStages(dir: string, root: string): Promise<void> {
  await mkdir(dir, { recursive: true })
  const doc = opencvDocDir(root)
  const model = parseOpenCvSvr(await readFile(join(doc, 'examples', 'quality', 'brisque_model_live.yml'), 'utf8'))
  const range = parseOpenCvRange(await readFile(join(doc, 'examples', 'quality', 'brisque_range_live.yml'), 'utf8'))
  await writeFile(join(dir, 'measure.onnx'), buildMeasureModel())
  await writeFile(join(dir, 'brisque.onnx'), buildBrisqueModel(model, range))
}

export async function writeHead(dir: string, weights: HeadWeights): Promise<void> {
  await writeFile(join(dir, 'head.onnx'), headToOnnx(weights))
  // The TensorFlow.js weights travel with the pack: fine-tuning (#6) starts from exactly this head. They are float32
  // values: nine significant digits write each one exactly, at half the size of a double's seventeen.
  await writeFile(join(dir, 'head.json'), JSON.stringify(weights, (_k, v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(9)) : v)))
}
