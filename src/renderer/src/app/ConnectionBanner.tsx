import { useConnectionState } from '../api'

/** Browser mode only: the socket dropped (server stopped or restarted) and the client is retrying. */
export function ConnectionBanner() {
  const state = useConnectionState()
  if (state !== 'reconnecting') return null
  return (
    <div className="connection-banner" role="alert">
      <span className="banner-spinner" aria-hidden="true" />
      <span>Disconnected from VQA Inspector — reconnecting…</span>
      <span className="muted banner-hint">If the server was restarted with a new link, open that link instead.</span>
    </div>
  )
}
