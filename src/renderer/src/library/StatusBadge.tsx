import type { ClipStatus } from '../../../shared/contract'

const LABELS: Record<ClipStatus, string> = { ok: 'OK', error: 'Error', missing: 'Missing' }

export function StatusBadge({ status, error }: { status: ClipStatus; error?: string | null }) {
  const title = status === 'error' ? (error ?? 'The file could not be read') : status === 'missing' ? 'The file is no longer on disk' : undefined
  return (
    <span className={`badge badge-${status}`} title={title}>
      {LABELS[status]}
    </span>
  )
}
