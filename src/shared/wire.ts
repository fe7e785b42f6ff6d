/**
 * The WebSocket framing of the contract in browser mode. Electron uses ipcRenderer.invoke instead,
 * so this file is only about the socket: one JSON object per message.
 */
import { z } from 'zod'
import { WireError } from './contract'

export const ClientMessage = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('call'),
    id: z.number().int().min(0),
    method: z.string().max(64),
    input: z.unknown()
  })
])
export type ClientMessage = z.infer<typeof ClientMessage>

// A plain union: two members share type 'result' (told apart by `ok`), which a discriminated union cannot express.
export const ServerMessage = z.union([
  z.object({ type: z.literal('result'), id: z.number().int(), ok: z.literal(true), value: z.unknown() }),
  z.object({ type: z.literal('result'), id: z.number().int(), ok: z.literal(false), error: WireError }),
  z.object({ type: z.literal('event'), event: z.string(), payload: z.unknown() })
])
export type ServerMessage = z.infer<typeof ServerMessage>

/** Path of the socket on the browser-mode server. Auth: the session cookie set when the page was opened with its token. */
export const WS_PATH = '/ws'
export const MEDIA_PATH = '/media/clip/'
export const THUMB_PATH = '/media/thumb/'
/** Browser-playable transcodes of clips the engine cannot decode (core: PreviewService). */
export const PREVIEW_PATH = '/media/preview/'
/** The timeline's thumbnail sprite: STRIP_FRAMES tiles of STRIP_FRAME_WIDTH×STRIP_FRAME_HEIGHT in one row. */
export const STRIP_PATH = '/media/strip/'
export const STRIP_FRAMES = 24
export const STRIP_FRAME_WIDTH = 160
export const STRIP_FRAME_HEIGHT = 90
