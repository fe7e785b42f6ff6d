/**
 * Where the renderer gets its VqaApi: the Electron preload's `window.vqa`, or, in browser mode,
 * a WebSocket client to the server that served the page. Components reach it through
 * `useApi()` so nothing below main.tsx knows which host it runs in.
 */
import { createContext, useContext, useSyncExternalStore } from 'react'
import type { VqaApi } from '../../shared/contract'
import { WS_PATH } from '../../shared/wire'
import { createSocketApi, type Connection, type ConnectionState, type SocketFactory } from './socketClient'

export type { Connection, ConnectionState }

export interface ApiHost {
  api: VqaApi
  connection: Connection
}

/** IPC to the main process does not drop, so Electron is always connected. */
const alwaysOpen: Connection = {
  getState: () => 'open',
  subscribe: () => () => undefined
}

const browserSocket: SocketFactory = (url, handlers) => {
  const ws = new WebSocket(url)
  ws.onopen = () => handlers.onOpen()
  ws.onmessage = (event: MessageEvent<unknown>) => {
    if (typeof event.data === 'string') handlers.onMessage(event.data)
  }
  ws.onclose = () => handlers.onClose()
  return { send: (data) => ws.send(data), close: () => ws.close() }
}

export function createHost(): ApiHost {
  if (window.vqa) return { api: window.vqa, connection: alwaysOpen }
  // The session cookie set when the page was opened with its token authenticates the upgrade.
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws'
  const client = createSocketApi({ url: `${scheme}://${location.host}${WS_PATH}`, createSocket: browserSocket })
  return { api: client, connection: client.connection }
}

let host: ApiHost | undefined

/** The page's one host, created on first use rather than at import so tests can build their own. */
export function getHost(): ApiHost {
  host ??= createHost()
  return host
}

export function getApi(): VqaApi {
  return getHost().api
}

const HostContext = createContext<ApiHost | null>(null)
export const HostProvider = HostContext.Provider

function useHost(): ApiHost {
  const value = useContext(HostContext)
  if (!value) throw new Error('useApi() needs a <HostProvider> above it')
  return value
}

export function useApi(): VqaApi {
  return useHost().api
}

export function useConnectionState(): ConnectionState {
  const { connection } = useHost()
  return useSyncExternalStore(connection.subscribe, connection.getState)
}
