// Vite build of the Tansiq web UI: everything bundled into dist/ (no CDN, no network at run
// time), no inline script or style, so the server's CSP (script-src 'self'; style-src 'self')
// holds. `npm run dev` proxies the API to a running `tansiq serve` (TANSIQ_URL).
import { defineConfig } from "vite";

const target = process.env.TANSIQ_URL ?? "http://127.0.0.1:8080";

export default defineConfig({
  base: "/",
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    assetsInlineLimit: 0, // fonts and images as files, never data: URLs
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: {
      "/api": { target, ws: true },
      "/taxii2": { target },
    },
  },
});
