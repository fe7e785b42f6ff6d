/**
 * The core side of the contract: parse the method name and input (fail-closed), run the handler, and turn any
 * failure into the wire's error shape. Every host (IPC, WebSocket) goes through here, so validation cannot be
 * forgotten by one of them.
 */
import {
  ApiError,
  isMethodName,
  methods,
  type MethodName,
  type MethodOutput,
  type MethodParsedInput,
  type WireError
} from '../../shared/contract'

export type Handlers = { [M in MethodName]: (input: MethodParsedInput<M>) => Promise<MethodOutput<M>> }

export type DispatchResult = { ok: true; value: unknown } | { ok: false; error: WireError }

export function toWireError(err: unknown): WireError {
  if (err instanceof ApiError) return { code: err.code, message: err.message }
  if (err instanceof Error) return { code: 'internal', message: err.message }
  return { code: 'internal', message: String(err) }
}

export async function dispatch(handlers: Handlers, method: unknown, input: unknown): Promise<DispatchResult> {
  if (!isMethodName(method)) return { ok: false, error: { code: 'unknown_method', message: `Unknown method ${String(method)}` } }
  const schema = methods[method].input
  const parsed = schema.safeParse(input ?? {})
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const where = issue?.path.length ? ` at ${issue.path.join('.')}` : ''
    return { ok: false, error: { code: 'invalid_input', message: `Invalid input for ${method}${where}: ${issue?.message ?? 'rejected'}` } }
  }
  try {
    const handler = handlers[method] as (i: unknown) => Promise<unknown>
    return { ok: true, value: await handler(parsed.data) }
  } catch (err) {
    return { ok: false, error: toWireError(err) }
  }
}
