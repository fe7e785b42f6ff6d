import type { Label, LabelFormat } from '../../../shared/contract'
import { formatSpan } from '../format'

/** Pure: one line a reviewer reads for a label ("Score 3.50", "Noise 00:04–00:08", "Rejected"). */
export function describeLabel(l: Pick<Label, 'kind' | 'score' | 'verdict' | 'distortion' | 'start' | 'end' | 'comment'>, distortionLabel: (id: string) => string = (id) => id): string {
  const where = l.start !== null && l.end !== null ? ` ${formatSpan(l.start, l.end)}` : ''
  switch (l.kind) {
    case 'score':
      return `Score ${l.score?.toFixed(2) ?? '?'}${where}`
    case 'verdict':
      return l.verdict === 'accept' ? 'Accepted' : 'Rejected'
    case 'distortion':
      return `${distortionLabel(l.distortion ?? '?')}${where}`
    case 'comment':
      return `“${l.comment ?? ''}”${where}`
  }
}

/** Pure: the format a label file is in, from its name (and, for .json, nothing else is needed). */
export function formatOfFile(name: string): LabelFormat | null {
  const n = name.toLowerCase()
  if (n.endsWith('.jsonl')) return 'jsonl'
  if (n.endsWith('.json')) return 'meta-json'
  if (n.endsWith('.csv')) return 'csv'
  return null
}
