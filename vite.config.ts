import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { precompressDir } from './scripts/precompress.ts';

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
  build: { outDir: '../../dist/web', emptyOutDir: true, chunkSizeWarningLimit: 600 },
  server: { port: 5173, proxy: { '/api': 'http://127.0.0.1:3000' } },
});
