import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { getHost, HostProvider } from './api'
import { App } from './app/App'
import { NoticesProvider } from './app/Notices'
import './styles.css'

const container = document.getElementById('root')
if (!container) throw new Error('index.html has no #root')

createRoot(container).render(
  <StrictMode>
    <HostProvider value={getHost()}>
      <NoticesProvider>
        <App />
      </NoticesProvider>
    </HostProvider>
  </StrictMode>
)
