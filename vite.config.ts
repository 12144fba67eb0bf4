import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { precompressDir } from './scripts/precompress.ts';

/** The modules whose static imports make up the public report pages' code (see the `public` chunk below). */
const PUBLIC_ROOTS = ['/src/web/features/hotline/public/PublicReportApp.tsx', '/src/web/i18n/merge.ts', '/src/shared/translations.ts'];

// The web app lives in src/web; the server serves dist/web in production and proxies to Vite in dev.
export default defineConfig({
  root: 'src/web',
  plugins: [
    react(),
    {
      // Brotli and gzip copies of each asset, written once at build for the server to send as they are.
      name: 'pathway-precompress',
      apply: 'build',
      async writeBundle(options) {
        if (options.dir) await precompressDir(options.dir);
      },
    },
  ],
  build: {
    outDir: '../../dist/web',
    emptyOutDir: true,
    chunkSizeWarningLimit: 600,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            {
              // What the public report and follow-up pages run, in one chunk rather than forty small
              // ones: every file costs a phone on 3G its headers and a round trip. The group takes the
              // public pages' app with everything it imports (includeDependenciesRecursively, the
              // default), and the merge the language chunks share. Staff screens stay chunks of their
              // own, loaded by route; the language texts stay one chunk per language.
              name: 'public',
              test: (id) => PUBLIC_ROOTS.some((root) => id.endsWith(root)),
            },
          ],
        },
      },
    },
  },
  server: { port: 5173, proxy: { '/api': 'http://127.0.0.1:3000' } },
});
