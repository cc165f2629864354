import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
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

/**
 * Excalidraw's fonts, copied from the package into dist/excalidraw-assets/fonts/ (the
 * whiteboard points `window.EXCALIDRAW_ASSET_PATH` there), so the whiteboard never reaches a
 * CDN. Excalidraw also lists a CDN copy of every font as a fallback (its ASSETS_FALLBACK_URL,
 * esm.sh); that address is rewritten to our own origin, so no build of ours names a CDN. The
 * CJK font (Xiaolai, 13 MB of unicode-range subsets) is copied too: a browser fetches a subset
 * only when such text is drawn.
 */
const CDN = 'https://esm.sh/';

function excalidrawAssets(): Plugin {
  return {
    name: 'onsite-excalidraw-assets',
    apply: 'build',
    transform(code, id) {
      if (!id.includes('@excalidraw/excalidraw/dist/') || !code.includes(CDN)) return null;
      return { code: code.replaceAll(CDN, '${window.location.origin}/excalidraw-assets/cdn/'), map: null };
    },
    generateBundle() {
      const entry = require.resolve('@excalidraw/excalidraw');
      const fonts = join(dirname(entry), 'fonts');
      const walk = (dir: string): string[] =>
        readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
          e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
        );
      for (const file of walk(fonts)) {
        const rel = relative(fonts, file);
        this.emitFile({ type: 'asset', fileName: `excalidraw-assets/fonts/${rel}`, source: readFileSync(file) });
      }
    },
  };
}

// The realtime protocol lives once in ../config/protocol.json (owned by the room);
// the dev server must be allowed to read it, and the build bundles it.
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const backend = process.env.ONSITE_DEV_BACKEND ?? 'http://127.0.0.1:8000';

export default defineConfig({
  plugins: [apiDocsAssets(), excalidrawAssets()],
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
