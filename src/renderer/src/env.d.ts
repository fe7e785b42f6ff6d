import type { VqaApi } from '../../shared/contract'

declare global {
  interface Window {
    /** Exposed by the Electron preload; absent in browser mode, where the socket client stands in. */
    readonly vqa?: VqaApi
  }
}

export {}
