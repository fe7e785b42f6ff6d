import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { getHost, HostProvider } from './api'
import { App } from './app/App'
import { NoticesProvider } from './app/Notices'
import { SettingsProvider } from './app/settings'
import './styles.css'

const container = document.getElementById('root')
if (!container) throw new Error('index.html has no #root')

createRoot(container).render(
  <StrictMode>
    <HostProvider value={getHost()}>
      <NoticesProvider>
        <SettingsProvider>
          <App />
        </SettingsProvider>
      </NoticesProvider>
    </HostProvider>
  </StrictMode>
)
