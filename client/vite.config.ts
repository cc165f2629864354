import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

/**
 * The API docs page (/docs) is Swagger UI served from our own origin: its bundle and stylesheet
 * are copied from the swagger-ui-dist package into dist/docs/, with a start script of ours (a
 * file, not an inline script, so the Content-Security-Policy needs no exception). Nothing is
 * loaded from a CDN.
 */
function apiDocsAssets(): Plugin {
  return {
    name: 'onsite-api-docs',
    apply: 'build',
    generateBundle() {
      for (const file of ['swagger-ui-bundle.js', 'swagger-ui.css']) {
        const source = readFileSync(require.resolve(`swagger-ui-dist/${file}`));
        this.emitFile({ type: 'asset', fileName: `docs/${file}`, source });
      }
      this.emitFile({
        type: 'asset',
        fileName: 'docs/start.js',
        source:
          "window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', " +
          'deepLinking: true, persistAuthorization: false });\n',
      });
    },
  };
}

// The realtime protocol lives once in ../config/protocol.json (owned by the room);
// the dev server must be allowed to read it, and the build bundles it.
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const backend = process.env.ONSITE_DEV_BACKEND ?? 'http://127.0.0.1:8000';

export default defineConfig({
  plugins: [apiDocsAssets()],
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
