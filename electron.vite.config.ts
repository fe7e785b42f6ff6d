import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import react from '@vitejs/plugin-react'

// Main-side bundle holds four entry points that share the core: the Electron main process, the headless CLI
// (which also hosts browser mode), the fine-tuning worker and the model thread — all plain Node apart from `index`.
export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          cli: resolve(__dirname, 'src/cli/index.ts'),
          // The fine-tuning worker, forked as its own process (src/core/training/launch.ts finds it beside the bundle).
          'train-worker': resolve(__dirname, 'src/core/training/worker.ts'),
          // The model thread (a worker_threads Worker; src/core/engine/ort.ts finds it beside the bundle).
          'ort-thread': resolve(__dirname, 'src/core/engine/ort-thread.ts')
        }
      }
    }
  },
  preload: {
    // Sandboxed preloads cannot require() packages, so everything (zod, the contract) is bundled in.
    build: {
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(__dirname, 'src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' }
      }
    }
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    build: {
      rollupOptions: { input: { index: resolve(__dirname, 'src/renderer/index.html') } }
    },
    plugins: [react()]
  }
})
