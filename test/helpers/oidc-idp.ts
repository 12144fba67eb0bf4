import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

/**
 * A real OpenID Connect provider (`oidc-provider`) on a local port for the single sign-on tests.
 * Its login page signs in, at once, whoever `signInAs` names (no form, no consent). A wrapper in
 * front of the token endpoint can rewrite the ID token (`rewriteIdToken`), and `resign` signs
 * changed claims with the provider's own key, so tests can send a tampered or mis-addressed token.
 */
export type TestIdp = {
  issuer: string;
  /** Registers the Pathway clients once their redirect URIs are known, and starts answering. */
  start: (clients: { clientId: string; clientSecret: string; redirectUri: string }[]) => void;
  signInAs: (subject: string) => void;
  rewriteIdToken: (rewrite: ((jwt: string) => string) | null) => void;
  resign: (jwt: string, change: (claims: Record<string, unknown>) => void) => string;
  close: () => Promise<void>;
};

const b64 = (s: Buffer | string) => Buffer.from(s).toString('base64url');
export const decodeJwtPart = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
export const encodeJwtPart = (claims: Record<string, unknown>) => b64(JSON.stringify(claims));

/** Listens first (the issuer needs the port); `start` then configures the provider. */
export async function listenTestIdp(accounts: Record<string, Record<string, unknown>>): Promise<TestIdp> {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const signingJwk = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key', alg: 'RS256', use: 'sig' };
  let subject = '';
  let rewrite: ((jwt: string) => string) | null = null;
  let handler: http.RequestListener = (_req, res) => {
    res.statusCode = 503;
    res.end();
  };
  const server = http.createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const start: TestIdp['start'] = (clients) => {
    const provider = new Provider(issuer, {
      clients: clients.map((c) => ({ client_id: c.clientId, client_secret: c.clientSecret, redirect_uris: [c.redirectUri] })),
      jwks: { keys: [signingJwk] },
      cookies: { keys: ['idp-cookie-key'] },
      claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'locale'], pathway: ['pathway_agency', 'pathway_roles'] },
      // Claims in the ID token itself, as most enterprise providers send them.
      conformIdTokenClaims: false,
      features: { devInteractions: { enabled: false } },
      findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub, ...(accounts[sub] ?? {}) }) }),
      // First-party clients: consent is given without asking.
      loadExistingGrant: async (ctx) => {
        const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId! });
        grant.addOIDCScope('openid email profile pathway');
        await grant.save();
        return grant;
      },
    });
    const oidc = provider.callback();
    handler = (req, res) => {
      if (req.url?.startsWith('/interaction/')) {
        provider.interactionFinished(req, res, { login: { accountId: subject } }, { mergeWithLastSubmission: false }).catch((e: unknown) => {
          res.statusCode = 500;
          res.end(String(e));
        });
        return;
      }
      if (rewrite && req.method === 'POST' && req.url?.startsWith('/token')) {
        const change = rewrite;
        const end = res.end.bind(res) as (chunk: unknown) => http.ServerResponse;
        res.end = ((chunk: unknown) => {
          const body = JSON.parse(String(chunk)) as { id_token: string };
          body.id_token = change(body.id_token);
          const out = JSON.stringify(body);
          res.setHeader('content-length', Buffer.byteLength(out));
          return end(out);
        }) as typeof res.end;
      }
      oidc(req, res);
    };
  };

  return {
    issuer,
    start,
    signInAs: (s) => {
      subject = s;
    },
    rewriteIdToken: (r) => {
      rewrite = r;
    },
    resign: (jwt, change) => {
      const [h, p] = jwt.split('.') as [string, string];
      const claims = decodeJwtPart(p);
      change(claims);
      const body = `${h}.${encodeJwtPart(claims)}`;
      return `${body}.${b64(crypto.sign('sha256', Buffer.from(body), privateKey))}`;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
