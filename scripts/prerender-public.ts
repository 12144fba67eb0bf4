/**
 * Writes the public report and follow-up pages as HTML with their form already in it, one copy per
 * language (dist/web/prerendered/<page>.<lang>.html), from the built index.html (its hashed script and
 * stylesheet) and src/web/prerender/public-report.tsx rendered through Vite's SSR loader. The server
 * sends them for /public/report and /public/report/follow-up in the reader's language (`pickLanguage`
 * in src/shared/languages.ts); see docs/benchmarks.md, "The web app on a slow network".
 */
import fs from 'node:fs';
import path from 'node:path';
import { LANGUAGES } from '../src/shared/languages.ts';
import { PRERENDERED_DIR, prerenderedFile } from '../src/server/prerendered.ts';
import { precompressDir } from './precompress.ts';

const DIST = path.resolve('dist/web');

/** The attributes a value may not break out of, escaped for HTML. */
const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export async function prerenderPublicPages(): Promise<string[]> {
  const { createServer } = await import('vite');
  const vite = await createServer({ logLevel: 'warn', server: { middlewareMode: true, hmr: false, ws: false }, appType: 'custom', optimizeDeps: { noDiscovery: true, include: [] } });
  try {
    const mod = (await vite.ssrLoadModule('/prerender/public-report.tsx')) as typeof import('../src/web/prerender/public-report.tsx');
    const template = fs.readFileSync(path.join(DIST, 'index.html'), 'utf8');
    const out = path.join(DIST, PRERENDERED_DIR);
    fs.rmSync(out, { recursive: true, force: true });
    fs.mkdirSync(out, { recursive: true });
    const written: string[] = [];
    for (const name of Object.keys(mod.PRERENDERED_PAGES) as (keyof typeof mod.PRERENDERED_PAGES)[]) {
      for (const lang of LANGUAGES) {
        const { html, title } = await mod.render(name, lang);
        const page = template
          .replace(/<html lang="[^"]*">/, `<html lang="${lang}" data-mantine-color-scheme="light">`)
          .replace(/<title>[^<]*<\/title>/, `<title>${escapeHtml(title)}</title>`)
          .replace('<div id="root"></div>', `<div id="root" data-prerendered="${name}">${html}</div>`);
        if (!page.includes('data-prerendered')) throw new Error('index.html has no empty <div id="root"></div> to fill');
        const file = path.join(DIST, prerenderedFile(name, lang));
        fs.writeFileSync(file, page);
        written.push(file);
      }
    }
    await precompressDir(out);
    return written;
  } finally {
    await vite.close();
  }
}
