import { ApiError } from '../../../shared/contract'

/** A sentence for the user from whatever a call rejected with. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError || error instanceof Error) return error.message
  return String(error)
}

export function errorCode(error: unknown): string | null {
  return error instanceof ApiError ? error.code : null
}
