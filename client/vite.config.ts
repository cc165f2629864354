import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The realtime protocol lives once in ../config/protocol.json (owned by the room);
// the dev server must be allowed to read it, and the build bundles it.
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const backend = process.env.ONSITE_DEV_BACKEND ?? 'http://127.0.0.1:8000';

export default defineConfig({
  server: {
    fs: { allow: [repoRoot] },
    proxy: {
      '/api': backend,
      '/socket.io': { target: backend, ws: true },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1500,
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
