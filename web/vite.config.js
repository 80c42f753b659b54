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
    // Browsers that run GraphiQL 5 support <link rel=modulepreload> natively.
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
    rolldownOptions: {
      // No "plugins took N s" report when the shared machine is busy.
      checks: { pluginTimings: false },
      output: {
        // Library code the entry loads up front goes into one vendor chunk, so
        // that editing src/ (the example tabs, say) changes only the small entry
        // chunk and the committed bundle's diff stays small. Monaco and Prettier
        // keep their own lazily loaded chunks.
        codeSplitting: {
          groups: [{ name: 'vendor', test: /node_modules[\\/](?!monaco-editor[\\/]|monaco-graphql[\\/]|prettier[\\/])/ }],
        },
      },
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
