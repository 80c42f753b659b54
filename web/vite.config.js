// Vite build of the offline GraphiQL page (see README.md).
//
// base is absolute (/graphiql/) so that the same index.html works whether the
// server sends it at /graphiql, /graphiql/ or on GET /graphql with
// Accept: text/html: every asset and worker is fetched from /graphiql/assets/.
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/graphiql/',
  // No public/ folder: everything in dist/ comes from the module graph.
  publicDir: false,
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    // Monaco is big; the bundle is served from the binary, not over a slow link.
    chunkSizeWarningLimit: 8000,
    // Fonts and icons stay inside the CSS as data: URLs (GraphiQL ships them so);
    // nothing else is inlined so the CSP needs no 'unsafe-inline' for scripts.
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
    rollupOptions: {
      onwarn(warning, warn) {
        // framer-motion's "use client" directives mean nothing in a client bundle.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
  worker: {
    // Module workers: loaded with new Worker(url, { type: 'module' }) from 'self'.
    format: 'es',
  },
});
