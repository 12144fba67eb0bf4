import { hash, verify } from '@node-rs/argon2';

// OWASP's Argon2id minimum (19 MiB, 2 passes, 1 lane).
const OPTIONS = { algorithm: 2 /* Algorithm.Argon2id, a const enum */, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/**
 * How many hashes or verifications a process runs at once. Each takes `memoryCost` (19 MiB) of native
 * memory for its duration and one thread of libuv's pool (4 threads by default, shared with file and
 * DNS work): a burst of sign-ins would otherwise hold 4 x 19 MiB at once. The others wait their turn
 * in order; a deployment with more cores runs more processes (docs/benchmarks.md, "Memory per process").
 */
export const MAX_CONCURRENT_HASHES = 2;

let running = 0;
const waiting: (() => void)[] = [];

/** Runs `work` when fewer than MAX_CONCURRENT_HASHES are running, first come first served. */
async function limited<T>(work: () => Promise<T>): Promise<T> {
  if (running >= MAX_CONCURRENT_HASHES) await new Promise<void>((resolve) => waiting.push(resolve));
  else running++;
  try {
    return await work();
  } finally {
    // The slot passes straight to the next in line (running stays the same), or is freed.
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

export const hashPassword = (password: string): Promise<string> => limited(() => hash(password, OPTIONS));

export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
  if (!stored) return false;
  try {
    return await limited(() => verify(stored, password));
  } catch {
    return false;
  }
}

/** A hash of a random password, checked against when the e-mail is unknown so timing tells nothing. */
let decoy: Promise<string> | undefined;
export const decoyHash = (): Promise<string> => (decoy ??= hashPassword('decoy-password-never-used'));
