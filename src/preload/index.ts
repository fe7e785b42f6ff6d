/**
 * Exposes exactly the contract to the renderer as `window.vqa`: invoke a declared method, subscribe to a declared
 * event. Nothing else of Electron or Node crosses.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { ipcChannel, isEventName, isMethodName, type VqaApi, type WireError } from '../shared/contract'

type Result = { ok: true; value: unknown } | { ok: false; error: WireError }

const api: VqaApi = {
  async invoke(method, input) {
    if (!isMethodName(method)) throw new Error(`unknown_method: ${String(method)}`)
    const r = (await ipcRenderer.invoke(ipcChannel(method), input)) as Result
    if (r.ok) return r.value as never
    // contextBridge keeps only an Error's message, so the code travels inside it ("code: message").
    throw new Error(`${r.error.code}: ${r.error.message}`)
  },
  on(event, listener) {
    if (!isEventName(event)) throw new Error(`unknown_event: ${String(event)}`)
    const channel = ipcChannel(event)
    const handler = (_e: IpcRendererEvent, payload: unknown): void => listener(payload as never)
    ipcRenderer.on(channel, handler)
    return () => {
      ipcRenderer.removeListener(channel, handler)
    }
  }
}

contextBridge.exposeInMainWorld('vqa', api)
