import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

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
  if (fs.existsSync(DEFAULT_PATH)) return DEFAULT_PATH;

  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = fs.existsSync('/usr/bin/apt-get');
  if (!isRoot || !hasApt) {
    throw new Error(
      `Chromium not found at ${DEFAULT_PATH}. Install it (Debian/Ubuntu: sudo apt-get install chromium) ` +
        'or set CHROMIUM_PATH to a Chromium or Chrome executable.',
    );
  }
  const run = (args: string[]) => {
    process.stdout.write(`browser tests: running apt-get ${args.join(' ')}\n`);
    execFileSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  };
  process.stdout.write(`browser tests: Chromium is not installed; installing Debian's chromium package\n`);
  run(['update']);
  run(['install', '-y', '--no-install-recommends', 'chromium']);
  if (!fs.existsSync(DEFAULT_PATH)) throw new Error(`apt-get installed chromium, but ${DEFAULT_PATH} is still missing; set CHROMIUM_PATH`);
  return DEFAULT_PATH;
}
