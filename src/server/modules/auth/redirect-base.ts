import net from 'node:net';
import type { Config } from '../../config.ts';

export type RequestAddress = { protocol: string; host: string; hostname: string; port: number | null };

const isLoopback = (hostname: string) => {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (net.isIPv4(h)) return h.startsWith('127.');
  return h === '::1';
};
const isWildcard = (host: string) => host === '0.0.0.0' || host === '::' || host === '[::]';

/**
 * Where the identity provider sends the browser back (the redirect URI's base). Codes go there, so
 * it is never taken from a request's Host header alone: a spoofed Host would otherwise put an
 * attacker's address in the authorization request (and in the administration screen's redirect URI).
 * - `PATHWAY_PUBLIC_URL` set: always that, whatever the request says.
 * - unset: the request's address only when its host is a loopback name or address (development, the
 *   demo, tests: the code then stays on the browser's own machine) or exactly the `HOST` and `PORT`
 *   Pathway listens on (not a wildcard such as 0.0.0.0); otherwise null, and single sign-on is refused
 *   with an error naming PATHWAY_PUBLIC_URL.
 */
export function ssoBaseUrl(config: Pick<Config, 'publicUrl' | 'host' | 'port'>, req: RequestAddress): string | null {
  if (config.publicUrl) return config.publicUrl.replace(/\/+$/, '');
  const here = `${req.protocol}://${req.host}`;
  if (isLoopback(req.hostname)) return here;
  const listening = config.host.replace(/^\[|\]$/g, '').toLowerCase();
  if (!isWildcard(config.host) && req.hostname.replace(/^\[|\]$/g, '').toLowerCase() === listening && (req.port ?? (req.protocol === 'https' ? 443 : 80)) === config.port) return here;
  return null;
}
