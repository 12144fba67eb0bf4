import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

/**
 * A program some tests need from Debian: `binary` if it is there, else (as root on Debian or Ubuntu)
 * the `pkg` package installed with apt-get, else an error that says what to install. `.ci/run`
 * installs them before the tests; this covers `npm test` on a fresh machine.
 */
export function debianProgram(binary: string, pkg: string, purpose: string): string {
  if (fs.existsSync(binary)) return binary;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = fs.existsSync('/usr/bin/apt-get');
  if (!isRoot || !hasApt) {
    throw new Error(`${binary} not found: the ${purpose} need it. Install it (Debian/Ubuntu: sudo apt-get install ${pkg}).`);
  }
  const run = (args: string[]) => {
    process.stdout.write(`${purpose}: running apt-get ${args.join(' ')}\n`);
    execFileSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  };
  process.stdout.write(`${purpose}: ${binary} is not installed; installing Debian's ${pkg} package\n`);
  run(['update']);
  run(['install', '-y', '--no-install-recommends', pkg]);
  if (!fs.existsSync(binary)) throw new Error(`apt-get installed ${pkg}, but ${binary} is still missing`);
  return binary;
}
