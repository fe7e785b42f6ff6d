import { defineConfig } from 'vitest/config'

// Two projects: `unit` (unit tests beside the code, and integration tests on real ffmpeg-made clips and on-disk
// SQLite) and `e2e` (the real UI in Debian's Chromium through browser mode, plus the Electron spec that skips where
// the Electron binary is absent).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
          environment: 'node',
          pool: 'forks',
          testTimeout: 60_000,
          hookTimeout: 120_000
        }
      },
      {
        test: {
          name: 'e2e',
          include: ['e2e/**/*.spec.ts'],
          environment: 'node',
          pool: 'forks',
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 180_000
        }
      }
    ]
  }
})
