/**
 * The contract over a WebSocket, for browser mode. Framing is `src/shared/wire.ts`; this file owns
 * only the client side: request ids, a queue while the socket is not open, reconnection, events.
 *
 * It touches no DOM global: the socket comes from `createSocket`, so it is tested in Node.
 */
import {
  ApiError,
  events,
  isEventName,
  type EventName,
  type EventPayload,
  type MethodInput,
  type MethodName,
  type MethodOutput,
  type VqaApi
} from '../../shared/contract'
import { z } from 'zod'
import { ServerMessage, type ClientMessage } from '../../shared/wire'

/**
 * The members of wire.ts's ServerMessage, tried in turn. Its discriminated union has two members
 * with type 'result' (ok: true / ok: false), which zod 4 refuses to parse with ("Duplicate
 * discriminator value"), so every message would be dropped; a plain union of the same members
 * checks exactly the same shapes.
 */
const serverMessage = z.union(ServerMessage.options)

/** `connecting`: first attempt; `reconnecting`: the socket dropped or never opened and we retry. */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting'

export interface Connection {
  getState(): ConnectionState
  /** Returns the unsubscribe function. */
  subscribe(listener: () => void): () => void
}

export interface SocketHandlers {
  onOpen(): void
  onMessage(data: string): void
  onClose(): void
}
export interface SocketHandle {
  send(data: string): void
  close(): void
}
export type SocketFactory = (url: string, handlers: SocketHandlers) => SocketHandle

export interface SocketApiOptions {
  url: string
  createSocket: SocketFactory
  /** Delay in ms before reconnect attempt `attempt` (1, 2, …). */
  backoff?: (attempt: number) => number
  warn?: (message: string, detail?: unknown) => void
}

export interface SocketApi extends VqaApi {
  readonly connection: Connection
  /** Stops reconnecting and rejects whatever is still pending. */
  dispose(): void
}

/** 250 ms doubling to 5 s, with jitter so many tabs do not hammer a restarted server in step. */
export function defaultBackoff(attempt: number): number {
  const base = Math.min(5000, 250 * 2 ** Math.max(0, attempt - 1))
  return Math.round(base * (0.8 + Math.random() * 0.4))
}

interface Pending {
  resolve(value: unknown): void
  reject(error: unknown): void
  /** False until written to an open socket; only written calls are lost when it drops. */
  message: string
  sent: boolean
}

export function createSocketApi(options: SocketApiOptions): SocketApi {
  const backoff = options.backoff ?? defaultBackoff
  const warn = options.warn ?? ((message: string, detail?: unknown) => console.warn(message, detail))
  const pending = new Map<number, Pending>()
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>()
  const stateListeners = new Set<() => void>()
  let state: ConnectionState = 'connecting'
  let socket: SocketHandle | null = null
  let attempt = 0
  let nextId = 1
  let retryTimer: ReturnType<typeof setTimeout> | null = null
  let disposed = false

  const setState = (next: ConnectionState): void => {
    if (next === state) return
    state = next
    for (const l of [...stateListeners]) l()
  }

  const flush = (): void => {
    if (state !== 'open' || !socket) return
    for (const call of pending.values()) {
      if (call.sent) continue
      call.sent = true
      socket.send(call.message)
    }
  }

  const handleMessage = (data: string): void => {
    let raw: unknown
    try {
      raw = JSON.parse(data)
    } catch {
      warn('VQA socket: ignoring a message that is not JSON')
      return
    }
    const parsed = serverMessage.safeParse(raw)
    if (!parsed.success) {
      warn('VQA socket: ignoring a malformed message', parsed.error.issues)
      return
    }
    const msg = parsed.data
    if (msg.type === 'result') {
      const call = pending.get(msg.id)
      if (!call) return
      pending.delete(msg.id)
      if (msg.ok) call.resolve(msg.value)
      else call.reject(new ApiError(msg.error.code, msg.error.message))
      return
    }
    if (!isEventName(msg.event)) return
    const payload = events[msg.event].safeParse(msg.payload)
    if (!payload.success) {
      warn(`VQA socket: ignoring a malformed ${msg.event} event`, payload.error.issues)
      return
    }
    for (const l of [...(listeners.get(msg.event) ?? [])]) {
      try {
        l(payload.data)
      } catch (error) {
        // One broken view must not starve the others of events.
        warn(`VQA socket: a ${msg.event} listener threw`, error)
      }
    }
  }

  const connect = (): void => {
    retryTimer = null
    if (disposed) return
    let closed = false
    const handle = options.createSocket(options.url, {
      onOpen: () => {
        if (closed || disposed) return
        attempt = 0
        setState('open')
        flush()
      },
      onMessage: (data) => {
        if (!closed && !disposed) handleMessage(data)
      },
      onClose: () => {
        if (closed) return
        closed = true
        socket = null
        // A call already written may or may not have run; re-sending could add a folder twice.
        for (const [id, call] of pending) {
          if (!call.sent) continue
          pending.delete(id)
          call.reject(new ApiError('disconnected', 'The connection to VQA Inspector was lost before it answered.'))
        }
        if (disposed) return
        attempt++
        setState('reconnecting')
        retryTimer = setTimeout(connect, backoff(attempt))
      }
    })
    socket = handle
  }

  const api: SocketApi = {
    connection: {
      getState: () => state,
      subscribe(listener) {
        stateListeners.add(listener)
        return () => stateListeners.delete(listener)
      }
    },
    invoke<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
      if (disposed) return Promise.reject(new ApiError('disposed', 'The connection was closed.'))
      const id = nextId++
      const message: ClientMessage = { type: 'call', id, method, input }
      return new Promise<MethodOutput<M>>((resolve, reject) => {
        pending.set(id, {
          // The core validated its output against the contract before sending it.
          resolve: (value) => resolve(value as MethodOutput<M>),
          reject,
          message: JSON.stringify(message),
          sent: false
        })
        flush()
      })
    },
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
      // The payload was parsed with events[event] above, so it has this event's shape.
      const wrapped = (payload: unknown): void => listener(payload as EventPayload<E>)
      let set = listeners.get(event)
      if (!set) listeners.set(event, (set = new Set()))
      set.add(wrapped)
      return () => {
        set.delete(wrapped)
      }
    },
    dispose() {
      disposed = true
      if (retryTimer) clearTimeout(retryTimer)
      socket?.close()
      socket = null
      for (const call of pending.values()) call.reject(new ApiError('disposed', 'The connection was closed.'))
      pending.clear()
    }
  }

  connect()
  return api
}
