import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The bundle is served by `callplan panel` from dist/ (docs/panel.md); no inline scripts or
// styles, so the server's Content-Security-Policy can be 'self' only.
export default defineConfig({
  plugins: [svelte()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    cssCodeSplit: false,
  },
});
