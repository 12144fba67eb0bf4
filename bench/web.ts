/**
 * `npm run bench:web -- --out web.json [--runs 5] [--profile regular-3g]...`
 * The public report and follow-up pages as a phone on a 3G network sees them: the real server serving
 * the built web app, Chromium with its network throttled through the DevTools protocol
 * (Network.emulateNetworkConditions), a cold cache each run. Per page and profile: the compressed
 * JavaScript (and all bytes) on the wire, and the time from navigation until the form is on screen.
 * See docs/benchmarks.md, "The web app on a slow network".
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { chromium, type Page } from 'playwright-core';
import { CHROMIUM_ARGS } from '../test/helpers/chromium.ts';
import { recordWire } from '../test/helpers/wire.ts';
import { freshDatabase, startServer } from './server.ts';

/**
 * Network profiles, as Chrome DevTools and Lighthouse define them: throughput in bytes per second,
 * latency added to each request in milliseconds.
 */
export const PROFILES = {
  // Chrome DevTools' "Slow 3G" (Lighthouse's mobile throttling applied to the wire).
  'slow-3g': { latencyMs: 2000, downloadBps: (500 * 1000 * 0.8) / 8, uploadBps: (500 * 1000 * 0.8) / 8 },
  // Chrome DevTools' "Fast 3G" (the default of Lighthouse's mobile runs).
  'fast-3g': { latencyMs: 562.5, downloadBps: (1.6 * 1000 * 1000 * 0.9) / 8, uploadBps: (750 * 1000 * 0.9) / 8 },
  // WebPageTest's and the older DevTools' "Regular 3G": 750 kbit/s down, 250 kbit/s up, 100 ms.
  'regular-3g': { latencyMs: 100, downloadBps: (750 * 1000) / 8, uploadBps: (250 * 1000) / 8 },
} as const;
type ProfileName = keyof typeof PROFILES;

const PAGES = [
  { name: 'public-report', path: '/public/report', form: 'textarea' },
  { name: 'public-follow-up', path: '/public/report/follow-up', form: 'input[autocomplete="off"]' },
] as const;

export type WebResult = {
  page: string;
  profile: ProfileName;
  runs: number;
  /** Bytes of JavaScript on the wire (compressed, with response headers), median over the runs. */
  jsTransferBytes: number;
  /** Bytes of JavaScript the server would send uncompressed. */
  jsUncompressedBytes: number;
  jsFiles: number;
  /** Every byte on the wire (HTML, JavaScript, CSS), median. */
  totalTransferBytes: number;
  /** Navigation start to the form's first field on screen, median and worst, in milliseconds. */
  formShownMsMedian: number;
  formShownMsMax: number;
  /** The content encodings the JavaScript came with. */
  encodings: string[];
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

async function measureOnce(page: Page, url: string, formSelector: string, profile: ProfileName) {
  // Counted as the budget's browser test counts (test/helpers/wire.ts): bytes on the wire, headers included.
  const wire = await recordWire(page);
  const { cdp } = wire;
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  const p = PROFILES[profile];
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: p.latencyMs, downloadThroughput: p.downloadBps, uploadThroughput: p.uploadBps });
  const started = performance.now();
  await page.goto(url, { waitUntil: 'commit' });
  await page.locator(formSelector).first().waitFor({ state: 'visible', timeout: 120_000 });
  const shownMs = performance.now() - started;
  await page.waitForLoadState('networkidle');
  let js = 0;
  let jsRaw = 0;
  let jsFiles = 0;
  let total = 0;
  const encodings = new Set<string>();
  for (const r of wire.responses()) {
    total += r.transferBytes;
    if (r.type === 'Script') {
      js += r.transferBytes;
      jsRaw += r.decodedBytes;
      jsFiles++;
      encodings.add(r.encoding);
    }
  }
  await wire.detach();
  return { shownMs, js, jsRaw, jsFiles, total, encodings };
}

async function main() {
  const { values } = parseArgs({ options: { out: { type: 'string' }, runs: { type: 'string', default: '5' }, profile: { type: 'string', multiple: true } } });
  if (!values.out) throw new Error('--out FILE is required');
  const runs = Math.max(1, Number(values.runs) || 5);
  const profiles = (values.profile ?? Object.keys(PROFILES)) as ProfileName[];
  for (const p of profiles) if (!(p in PROFILES)) throw new Error(`--profile must be one of ${Object.keys(PROFILES).join(', ')}`);
  const say = (line: string) => process.stderr.write(`${line}\n`);

  execFileSync(process.execPath, ['--import', 'tsx', 'scripts/build-web.ts', '--if-changed'], { stdio: 'inherit' });
  const db = await freshDatabase(say);
  const server = await startServer(db.url, say);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const chromiumVersion = browser.version();
  const results: WebResult[] = [];
  try {
    for (const profile of profiles) {
      for (const target of PAGES) {
        const samples = [];
        for (let i = 0; i < runs; i++) {
          // A phone in Azerbaijan: the pages (and their texts' chunk) in Azerbaijani, as in earlier runs.
          const context = await browser.newContext({ viewport: { width: 360, height: 740 }, baseURL: server.baseUrl, locale: 'az-AZ' });
          samples.push(await measureOnce(await context.newPage(), `${server.baseUrl}${target.path}`, target.form, profile));
          await context.close();
        }
        const r: WebResult = {
          page: target.name,
          profile,
          runs,
          jsTransferBytes: median(samples.map((s) => s.js)),
          jsUncompressedBytes: median(samples.map((s) => s.jsRaw)),
          jsFiles: median(samples.map((s) => s.jsFiles)),
          totalTransferBytes: median(samples.map((s) => s.total)),
          formShownMsMedian: Math.round(median(samples.map((s) => s.shownMs))),
          formShownMsMax: Math.round(Math.max(...samples.map((s) => s.shownMs))),
          encodings: [...new Set(samples.flatMap((s) => [...s.encodings]))],
        };
        say(`bench:web ${r.page} on ${profile}: JS ${(r.jsTransferBytes / 1024).toFixed(1)} KB compressed in ${r.jsFiles} files, all ${(r.totalTransferBytes / 1024).toFixed(1)} KB, form shown after ${r.formShownMsMedian} ms (worst ${r.formShownMsMax})`);
        results.push(r);
      }
    }
  } finally {
    await browser.close();
    await server.stop();
    await db.drop();
  }
  const commit = (() => {
    try {
      return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    } catch {
      return null;
    }
  })();
  const machine = { node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? null, chromium: chromiumVersion, commit };
  fs.writeFileSync(values.out, `${JSON.stringify({ machine, profiles: PROFILES, results }, null, 2)}\n`);
  say(`bench:web: results in ${values.out}`);
}

await main();
