import fs from 'node:fs';
import { debianProgram } from './debian-package.ts';

const DEFAULT_PATH = '/usr/bin/chromium';

/** The flags every browser test launches Chromium with: headless, as root, with no background traffic. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * The Chromium the browser tests drive: CHROMIUM_PATH, else /usr/bin/chromium, else (as root on
 * Debian or Ubuntu) Debian's `chromium` package installed with apt-get.
 */
export function chromiumPath(): string {
  const given = process.env.CHROMIUM_PATH;
  if (given) {
    if (!fs.existsSync(given)) throw new Error(`CHROMIUM_PATH is ${given}, but there is no file there`);
    return given;
  }
  return debianProgram(DEFAULT_PATH, 'chromium', 'browser tests');
}
