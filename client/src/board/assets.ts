/**
 * Excalidraw loads its fonts from `window.EXCALIDRAW_ASSET_PATH`, else from a public CDN. The
 * build copies them to /excalidraw-assets/ and points the CDN fallback at our own origin too
 * (vite.config.ts, excalidrawAssets), so nothing is fetched from outside.
 */
declare global {
  interface Window {
    EXCALIDRAW_ASSET_PATH?: string | string[];
  }
}

export const ASSET_PATH = '/excalidraw-assets/';

export function useOwnAssets(): void {
  window.EXCALIDRAW_ASSET_PATH = ASSET_PATH;
}
