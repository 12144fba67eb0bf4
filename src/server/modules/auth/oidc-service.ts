import * as client from 'openid-client';
import { ConfigError, oidcVariable, type Config } from '../../config.ts';
import type { Db, Tx } from '../../db/database.ts';
import { sql } from 'kysely';
import { appendAudit, auditedTransaction, diff, SYSTEM_ACTOR, type AuditActor, type AuditEntry } from '../../audit/audit.ts';
import { AppError, badRequest, conflict, notFound } from '../../errors.ts';
import { isUniqueViolation } from '../../db/pagination.ts';
import { loadUserWithAccess } from '../../auth/principal-repository.ts';
import { randomSecret, sha256 } from '../../auth/tokens.ts';
import { fieldAad, type Keys } from '../../crypto/keys.ts';
import { setRoles } from '../users/repository.ts';
import { ROLES, type Role } from '../../../shared/roles.ts';
import { LANGUAGES, type Language } from '../../../shared/schemas/common.ts';
import type {
  AssignSsoIdentityBody,
  CreateIdentityProviderBody,
  IdentityProviderView,
  SsoIdentityView,
  SsoOutcome,
  UpdateIdentityProviderBody,
} from '../../../shared/schemas/sso.ts';
import { accountFailures, countAccountFailure, createSession, TOTP_MAX_FAILURES, TOTP_WINDOW_MINUTES, type NewSession } from './service.ts';
import { openTotpSecret, totpStep } from '../../auth/totp.ts';
import { addressKey } from '../../auth/address.ts';
import * as repo from './oidc-repository.ts';

/**
 * Callbacks refused before anyone is identified (no or a wrong state, a provider error, a token that
 * does not verify) can be sent by anyone: of those from one address, only the first in this many
 * minutes is audited; every one is logged. See docs/access-model.md, "Anonymous single sign-on
 * refusals".
 */
export const ANONYMOUS_REFUSAL_WINDOW_MINUTES = 10;

/** Where refusals that are not audited are still written down (the request's pino logger). */
export type RefusalLog = { warn: (obj: Record<string, unknown>, msg: string) => void };

/** A sign-in in flight expires after this long (the person has to finish at the provider). */
const REQUEST_MINUTES = 10;
/** Discovery documents and keys are fetched again after this long, or at once when the provider is changed. */
const DISCOVERY_TTL_MS = 10 * 60_000;

export const callbackPath = (providerId: string) => `/api/v1/auth/sso/${providerId}/callback`;

export function toProviderView(p: repo.ProviderRow, baseUrl: string | null): IdentityProviderView {
  return {
    id: p.id,
    name: p.name,
    issuer: p.issuer,
    clientId: p.clientId,
    hasClientSecret: p.clientSecret !== null,
    scope: p.scope,
    agency: p.agencyId ? { id: p.agencyId, name: p.agencyName ?? '' } : null,
    assignment: p.assignment,
    agencyClaim: p.agencyClaim,
    agencyMap: p.agencyMap,
    rolesClaim: p.rolesClaim,
    roleMap: p.roleMap,
    enabled: p.enabled,
    requiredAcr: p.requiredAcr,
    isDemo: p.isDemo,
    fromEnvironment: p.fromEnvironment,
    redirectUri: baseUrl === null ? null : baseUrl + callbackPath(p.id),
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}

export function toIdentityView(i: repo.IdentityRow): SsoIdentityView {
  return {
    id: i.id,
    provider: { id: i.providerId, name: i.providerName },
    subject: i.subject,
    email: i.email,
    name: i.name,
    emailVerified: i.emailVerified,
    user: i.userId ? { id: i.userId, email: i.userEmail ?? '', name: i.userName ?? '' } : null,
    createdAt: i.createdAt.toISOString(),
    lastSignInAt: i.lastSignInAt.toISOString(),
  };
}

// --- administration -------------------------------------------------------------------------------

/** Roles in a stored map were checked when it was saved; read back they are plain strings. */
type ProviderSettings = Omit<CreateIdentityProviderBody, 'clientSecret' | 'roleMap' | 'currentPassword'> & { roleMap: Record<string, string> };

/** The rules between fields, checked on the provider as it will be saved; every refusal names its field. */
async function checkSettings(tx: Tx, s: ProviderSettings): Promise<void> {
  if (s.agencyId && !(await repo.agencyExists(tx, s.agencyId))) throw badRequest('validation_failed', 'No such agency', { agencyId: 'unknown agency' });
  const mapped = [...new Set(Object.values(s.agencyMap))];
  const known = await repo.existingAgencies(tx, mapped);
  for (const [value, agencyId] of Object.entries(s.agencyMap))
    if (!known.has(agencyId)) throw badRequest('validation_failed', 'The agency map names an unknown agency', { [`agencyMap.${value}`]: 'unknown agency' });
  if (s.assignment === 'claims') {
    if (!s.rolesClaim) throw badRequest('validation_failed', 'Mapping from claims needs the claim that carries roles', { rolesClaim: 'required when assignment is claims' });
    if (Object.keys(s.roleMap).length === 0) throw badRequest('validation_failed', 'Mapping from claims needs at least one role in the map', { roleMap: 'required when assignment is claims' });
    if (!s.agencyId && !s.agencyClaim)
      throw badRequest('validation_failed', 'A provider for the whole installation that maps claims needs the claim that names the agency', { agencyClaim: 'required when assignment is claims and no agency is set' });
    if (!s.agencyId && Object.keys(s.agencyMap).length === 0)
      throw badRequest('validation_failed', 'A provider for the whole installation that maps claims needs the agency map', { agencyMap: 'required when assignment is claims and no agency is set' });
  }
}

const auditedSettings = (p: ProviderSettings) => ({
  name: p.name,
  issuer: p.issuer,
  clientId: p.clientId,
  scope: p.scope,
  agencyId: p.agencyId,
  assignment: p.assignment,
  agencyClaim: p.agencyClaim,
  agencyMap: p.agencyMap,
  rolesClaim: p.rolesClaim,
  roleMap: p.roleMap,
  enabled: p.enabled,
  requiredAcr: p.requiredAcr,
});

const duplicate = () => conflict('provider_exists', 'This issuer and client id are already registered', { clientId: 'already registered for this issuer' });

/** `demo`: Pathway runs in demo mode; what is made then is demo, and refused outside it. */
export async function createProvider(db: Db, keys: Keys, actor: AuditActor, input: CreateIdentityProviderBody, baseUrl: string | null, demo: boolean): Promise<IdentityProviderView> {
  return auditedTransaction(db, actor, async (tx) => {
    await checkSettings(tx, input);
    // The id is chosen here so that the client secret can be sealed to it (associated data).
    const newId = crypto.randomUUID();
    let id: string;
    try {
      ({ id } = await tx
        .insertInto('identityProviders')
        .values({
          id: newId,
          ...auditedSettings(input),
          issuer: normaliseIssuer(input.issuer),
          clientSecret: input.clientSecret ? keys.encrypt(input.clientSecret, secretAad(newId)) : null,
          agencyMap: JSON.stringify(input.agencyMap),
          roleMap: JSON.stringify(input.roleMap),
          isDemo: demo,
        })
        .returning('id')
        .executeTakeFirstOrThrow());
    } catch (e) {
      if (isUniqueViolation(e)) throw duplicate();
      throw e;
    }
    const row = (await repo.findProvider(tx, id))!;
    return {
      result: toProviderView(row, baseUrl),
      audit: {
        action: 'sso.provider_created',
        recordType: 'identity_provider',
        recordId: id,
        changes: { ...diff(null, auditedSettings(row)), clientSecret: { changed: input.clientSecret != null }, ...(demo ? { isDemo: true } : {}) },
      },
    };
  });
}

export async function updateProvider(db: Db, keys: Keys, actor: AuditActor, id: string, patch: UpdateIdentityProviderBody, baseUrl: string | null): Promise<IdentityProviderView> {
  return auditedTransaction(db, actor, async (tx) => {
    const before = await tx.selectFrom('identityProviders').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!before) throw notFound('Identity provider');
    if (before.fromEnvironment)
      throw new AppError('provider_from_environment', 409, 'This identity provider is defined by the PATHWAY_OIDC_* environment variables: change them and restart Pathway');
    const { clientSecret, currentPassword: _, ...rest } = patch;
    const defined = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) as Partial<ProviderSettings>;
    const next: ProviderSettings = { ...auditedSettings(before), ...defined };
    next.issuer = normaliseIssuer(next.issuer);
    // A secret belongs to one client at one provider: sent anywhere else it would be given away.
    if (before.clientSecret !== null && clientSecret === undefined && (next.issuer !== before.issuer || next.clientId !== before.clientId))
      throw badRequest('validation_failed', 'Give the client secret again (or null for a public client) when the issuer or client id changes', {
        clientSecret: 'required when the issuer or client id changes',
      });
    await checkSettings(tx, next);
    try {
      await tx
        .updateTable('identityProviders')
        .set({
          ...next,
          agencyMap: JSON.stringify(next.agencyMap),
          roleMap: JSON.stringify(next.roleMap),
          ...(clientSecret !== undefined ? { clientSecret: clientSecret === null ? null : keys.encrypt(clientSecret, secretAad(id)) } : {}),
          updatedAt: new Date(),
        })
        .where('id', '=', id)
        .execute();
    } catch (e) {
      if (isUniqueViolation(e)) throw duplicate();
      throw e;
    }
    const after = (await repo.findProvider(tx, id))!;
    const changes: Record<string, unknown> = diff(auditedSettings(before), auditedSettings(after));
    if (clientSecret !== undefined) changes.clientSecret = { changed: true };
    return { result: toProviderView(after, baseUrl), audit: { action: 'sso.provider_updated', recordType: 'identity_provider', recordId: id, changes } };
  });
}

/**
 * Makes the provider PATHWAY_OIDC_* defines (`config.oidc`) the one in the database, at start: the row
 * made from the environment before, else one registered with the same issuer and client id (the
 * environment overrides it), else a new one. Its settings, secret included, are the environment's;
 * the administration shows it and cannot change it. A change is audited (as the system). Without the
 * variables, a provider they defined before is turned off and handed back to the administrators.
 * An unknown agency stops the start, naming the variable.
 */
export async function syncEnvironmentProvider(db: Db, keys: Keys, config: Pick<Config, 'oidc' | 'demo'>): Promise<void> {
  await auditedTransaction(db, SYSTEM_ACTOR, async (tx) => {
    // One start at a time (several processes may start together).
    await sql`SELECT pg_advisory_xact_lock(hashtext('pathway_oidc_environment'))`.execute(tx);
    const current = await tx.selectFrom('identityProviders').selectAll().where('fromEnvironment', '=', true).forUpdate().executeTakeFirst();
    const env = config.oidc;
    if (!env) {
      if (!current) return { result: null, audit: [] };
      await tx.updateTable('identityProviders').set({ fromEnvironment: false, enabled: false, updatedAt: new Date() }).where('id', '=', current.id).execute();
      return { result: null, audit: { action: 'sso.provider_updated', recordType: 'identity_provider', recordId: current.id, changes: { ...diff({ enabled: current.enabled }, { enabled: false }), cause: 'environment_removed' } } };
    }
    const settings: ProviderSettings = { ...env, issuer: normaliseIssuer(env.issuer), enabled: true };
    if (settings.agencyId && !(await repo.agencyExists(tx, settings.agencyId))) throw new ConfigError(`Invalid configuration:\n  ${oidcVariable('agencyId')}: no agency has the id ${settings.agencyId}`);
    const known = await repo.existingAgencies(tx, [...new Set(Object.values(settings.agencyMap))]);
    for (const [value, agencyId] of Object.entries(settings.agencyMap))
      if (!known.has(agencyId)) throw new ConfigError(`Invalid configuration:\n  ${oidcVariable('agencyMap')}: "${value}" names no agency (${agencyId})`);
    const row =
      current ??
      (await tx.selectFrom('identityProviders').selectAll().where('issuer', '=', settings.issuer).where('clientId', '=', settings.clientId).forUpdate().executeTakeFirst());
    const id = row?.id ?? crypto.randomUUID();
    const values = { ...auditedSettings(settings), agencyMap: JSON.stringify(settings.agencyMap), roleMap: JSON.stringify(settings.roleMap), fromEnvironment: true };
    const sealed = () => (env.clientSecret === null ? null : keys.encrypt(env.clientSecret, secretAad(id)));
    if (!row) {
      await tx.insertInto('identityProviders').values({ id, ...values, clientSecret: sealed(), isDemo: config.demo }).execute();
      return {
        result: null,
        audit: { action: 'sso.provider_created', recordType: 'identity_provider', recordId: id, changes: { ...diff(null, auditedSettings(settings)), clientSecret: { changed: env.clientSecret !== null }, cause: 'environment' } },
      };
    }
    const secretBefore = row.clientSecret === null ? null : keys.decrypt(row.clientSecret, secretAad(id));
    const secretChanged = secretBefore !== env.clientSecret;
    const changes: Record<string, unknown> = diff(auditedSettings({ ...row, roleMap: row.roleMap }), auditedSettings(settings));
    if (secretChanged) changes.clientSecret = { changed: true };
    const takenOver = !row.fromEnvironment;
    if (Object.keys(changes).length === 0 && !takenOver) return { result: null, audit: [] };
    await tx
      .updateTable('identityProviders')
      .set({ ...values, ...(secretChanged ? { clientSecret: sealed() } : {}), updatedAt: new Date() })
      .where('id', '=', id)
      .execute();
    return { result: null, audit: { action: 'sso.provider_updated', recordType: 'identity_provider', recordId: id, changes: { ...changes, cause: takenOver ? 'environment_override' : 'environment' } } };
  });
}

/** One spelling per issuer: the ID token's `iss` is compared with it exactly. */
const normaliseIssuer = (issuer: string) => issuer.replace(/\/+$/, '');

/** Gives a waiting sign-in a new user with the agency and roles the administrator chose. */
export async function assignIdentity(db: Db, actor: AuditActor, identityId: string, body: AssignSsoIdentityBody, demo: boolean): Promise<SsoIdentityView> {
  return auditedTransaction(db, actor, async (tx) => {
    const identity = await repo.findIdentityByIdForUpdate(tx, identityId);
    if (!identity) throw notFound('Sign-in');
    if (identity.userId) throw conflict('already_assigned', 'This sign-in already belongs to a user');
    const provider = (await repo.findProvider(tx, identity.providerId))!;
    if (provider.isDemo && !demo) throw notFound('Sign-in');
    if (provider.agencyId && provider.agencyId !== body.agencyId)
      throw badRequest('validation_failed', 'This identity provider serves one agency only', { agencyId: `must be the provider's agency (${provider.agencyName ?? provider.agencyId})` });
    if (!(await repo.agencyExists(tx, body.agencyId))) throw badRequest('validation_failed', 'No such agency', { agencyId: 'unknown agency' });
    const email = body.email ?? identity.email;
    if (!email) throw badRequest('validation_failed', 'The identity provider sent no e-mail: give one', { email: 'required: the provider sent none' });
    const name = body.name ?? identity.name ?? email;
    const userId = await repo.insertSsoUser(tx, { email, name, language: body.language, agencyId: body.agencyId, isDemo: demo || provider.isDemo });
    if (!userId) throw conflict('email_taken', 'A user with this e-mail exists: link the sign-in to that user instead', { email: 'already in use' });
    const roles = [...new Set(body.roles)];
    await setRoles(tx, userId, roles);
    await repo.linkIdentity(tx, identity.id, userId);
    const view = toIdentityView((await repo.findIdentity(tx, identity.id))!);
    return {
      result: view,
      audit: [
        { action: 'user.created', recordType: 'user', recordId: userId, changes: { ...diff(null, { email, name, language: body.language, agencyId: body.agencyId, roles }), identityProviderId: provider.id } },
        { action: 'sso.identity_assigned', recordType: 'sso_identity', recordId: identity.id, changes: { userId, providerId: provider.id } },
      ],
    };
  });
}

/** Links a waiting sign-in to an existing user: an administrator's decision, never inferred from an e-mail. */
export async function linkIdentityToUser(db: Db, actor: AuditActor, identityId: string, userId: string, demo: boolean): Promise<SsoIdentityView> {
  return auditedTransaction(db, actor, async (tx) => {
    const identity = await repo.findIdentityByIdForUpdate(tx, identityId);
    if (!identity) throw notFound('Sign-in');
    if (identity.userId) throw conflict('already_assigned', 'This sign-in already belongs to a user');
    const provider = (await repo.findProvider(tx, identity.providerId))!;
    if (provider.isDemo && !demo) throw notFound('Sign-in');
    const user = await tx
      .selectFrom('users as u')
      .innerJoin('agencies as a', 'a.id', 'u.agencyId')
      .select(['u.id', 'u.agencyId', 'u.isServiceAccount'])
      .select(sql<boolean>`u.is_demo OR a.is_demo`.as('isDemo'))
      .where('u.id', '=', userId)
      .executeTakeFirst();
    if (!user) throw badRequest('validation_failed', 'No such user', { userId: 'unknown user' });
    // In demo mode (or through a demo provider) a sign-in goes to demo users only: the demo password is
    // public, and a real account must not be left reachable through it.
    if ((demo || provider.isDemo) && !user.isDemo) throw badRequest('validation_failed', 'In demo mode a sign-in can be linked to demo users only', { userId: 'not a demo user' });
    if (user.isServiceAccount) throw badRequest('validation_failed', 'A service account cannot sign in', { userId: 'a service account' });
    if (provider.agencyId && provider.agencyId !== user.agencyId)
      throw badRequest('validation_failed', 'This identity provider serves another agency', { userId: "not in the provider's agency" });
    await repo.linkIdentity(tx, identity.id, userId);
    return {
      result: toIdentityView((await repo.findIdentity(tx, identity.id))!),
      audit: { action: 'sso.identity_linked', recordType: 'sso_identity', recordId: identity.id, changes: { userId, providerId: provider.id } },
    };
  });
}

/** Forgets a sign-in (waiting or linked): the person can no longer sign in through it (sessions already open run their course; disable the user to end them). */
export async function removeIdentity(db: Db, actor: AuditActor, identityId: string): Promise<void> {
  await auditedTransaction(db, actor, async (tx) => {
    const gone = await repo.deleteIdentity(tx, identityId);
    if (!gone) throw notFound('Sign-in');
    return { result: null, audit: { action: 'sso.identity_removed', recordType: 'sso_identity', recordId: identityId, changes: { userId: gone.userId, providerId: gone.providerId } } };
  });
}

// --- the sign-in ----------------------------------------------------------------------------------

/** A provider's client secret is sealed to its row: copied to another provider's row, it does not open. */
const secretAad = (providerId: string) => fieldAad('identity_providers', 'client_secret', providerId);

const discovered = new Map<string, { at: number; config: client.Configuration }>();

async function clientFor(keys: Keys, p: repo.ProviderRow): Promise<client.Configuration> {
  const key = `${p.id}:${p.updatedAt.getTime()}`;
  const hit = discovered.get(key);
  if (hit && Date.now() - hit.at < DISCOVERY_TTL_MS) return hit.config;
  const secret = p.clientSecret ? keys.decrypt(p.clientSecret, secretAad(p.id)) : null;
  const insecure = new URL(p.issuer).protocol === 'http:';
  const config = await client.discovery(new URL(p.issuer), p.clientId, undefined, secret ? client.ClientSecretBasic(secret) : client.None(), {
    // Plain http is accepted only for a loopback issuer (the schema refuses any other).
    execute: [...(insecure ? [client.allowInsecureRequests] : []), client.enableNonRepudiationChecks],
    timeout: 5,
  });
  for (const k of discovered.keys()) if (k.startsWith(`${p.id}:`)) discovered.delete(k);
  discovered.set(key, { at: Date.now(), config });
  return config;
}

export type StartedSignIn = { url: string; state: string } | { outcome: SsoOutcome };

/** Sends the browser to the provider: authorization code with PKCE, state and nonce kept here for ten minutes. */
export async function startSignIn(db: Db, keys: Keys, providerId: string, baseUrl: string, demo: boolean): Promise<StartedSignIn> {
  const provider = await repo.findProvider(db, providerId);
  if (!provider?.enabled || (provider.isDemo && !demo)) throw notFound('Identity provider');
  let config: client.Configuration;
  try {
    config = await clientFor(keys, provider);
  } catch {
    return { outcome: 'unavailable' };
  }
  const state = client.randomState();
  const nonce = client.randomNonce();
  const codeVerifier = client.randomPKCECodeVerifier();
  const redirectUri = baseUrl + callbackPath(provider.id);
  await repo.saveRequest(db, { stateHash: sha256(state), providerId, nonce, codeVerifier, redirectUri, expiresAt: new Date(Date.now() + REQUEST_MINUTES * 60_000) });
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: provider.scope,
    state,
    nonce,
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
  });
  return { url: url.href, state };
}

/** A session; or a ticket when the user must still give their Pathway TOTP code (`finishTotp`); or why not. */
export type FinishedSignIn = { session: NewSession } | { totpTicket: string } | { outcome: SsoOutcome };

/** How long a single sign-on waits for the TOTP code. */
const TOTP_TICKET_MINUTES = 5;

/** The ID token vouches for a second factor: it carries the provider's required `acr` (or it among its `amr`). */
function strongAuthentication(p: repo.ProviderRow, claims: Claims): boolean {
  if (!p.requiredAcr) return false;
  return claims.acr === p.requiredAcr || (Array.isArray(claims.amr) && claims.amr.includes(p.requiredAcr));
}

type Claims = Record<string, unknown>;

/** A claim by name; a dotted name reads a nested object (`realm_access.roles`). */
function claim(claims: Claims, name: string): unknown {
  let v: unknown = claims;
  for (const part of name.split('.')) v = v !== null && typeof v === 'object' && !Array.isArray(v) && Object.hasOwn(v, part) ? (v as Claims)[part] : undefined;
  return v;
}
const values = (v: unknown): string[] => (typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** The agency and roles the claims give, or null when they do not say enough (then an administrator decides). */
function placeByClaims(p: repo.ProviderRow, claims: Claims): { agencyId: string; roles: Role[] } | null {
  if (p.assignment !== 'claims') return null;
  const roles = mapRoles(p, claims);
  const agencyId = agencyByClaims(p, claims);
  return agencyId && roles.length > 0 ? { agencyId, roles } : null;
}

/** The provider's one agency, or the one the agency claim names through the map; null when none or several. */
function agencyByClaims(p: repo.ProviderRow, claims: Claims): string | null {
  if (p.agencyId) return p.agencyId;
  if (!p.agencyClaim) return null;
  const agencies = new Set(values(claim(claims, p.agencyClaim)).flatMap((v) => (Object.hasOwn(p.agencyMap, v) ? [p.agencyMap[v]!] : [])));
  // Two agencies at once is not a placement: an administrator decides.
  return agencies.size === 1 ? [...agencies][0]! : null;
}

function mapRoles(p: repo.ProviderRow, claims: Claims): Role[] {
  if (!p.rolesClaim) return [];
  const roles = new Set<Role>();
  for (const v of values(claim(claims, p.rolesClaim))) {
    // Own keys only: a claim value such as `constructor` or `__proto__` must not reach the prototype.
    const role = Object.hasOwn(p.roleMap, v) ? p.roleMap[v] : undefined;
    if (typeof role === 'string' && (ROLES as readonly string[]).includes(role)) roles.add(role as Role);
  }
  return [...roles].sort();
}

/**
 * What openid-client found wrong (a bad signature, an unexpected claim and which one), from its error
 * and the oauth4webapi error it wraps; never the token or the claims' values.
 */
function whyRejected(e: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  let err = e as { code?: unknown; message?: unknown; cause?: unknown; claim?: unknown } | undefined;
  for (let depth = 0; err && typeof err === 'object' && depth < 4; depth++) {
    if (typeof err.code === 'string') out.error = err.code.slice(0, 100);
    if (typeof err.message === 'string') out.detail = err.message.slice(0, 200);
    if (typeof err.claim === 'string') out.rejectedClaim = err.claim.slice(0, 50);
    err = err.cause as typeof err;
  }
  return out;
}

/** The standard `locale` claim (`en`, `ru-RU`, `az-Latn-AZ`) when it is one of Pathway's languages; else Azerbaijani. */
function languageOf(claims: Claims): Language {
  const tag = typeof claims.locale === 'string' ? claims.locale.toLowerCase().split(/[-_]/)[0] : undefined;
  return (LANGUAGES as readonly string[]).includes(tag ?? '') ? (tag as Language) : 'az';
}

const text = (v: unknown, max: number) => (typeof v === 'string' && v.trim() !== '' ? v.trim().slice(0, max) : null);
const EMAIL = /^[^\s@]+@[^\s@]+$/;

/**
 * Finishes a sign-in at the callback: openid-client checks the state, exchanges the code with the PKCE
 * verifier, and checks the ID token's signature (against the provider's published keys), issuer,
 * audience, expiry and nonce. The person is then found by (issuer, subject) and gets an ordinary
 * session; every outcome is audited.
 */
export async function finishSignIn(
  db: Db,
  config: Config,
  keys: Keys,
  actor: AuditActor,
  providerId: string,
  cookieState: string | undefined,
  query: string,
  meta: { ip: string | null; userAgent: string | null },
  log: RefusalLog,
): Promise<FinishedSignIn> {
  // Nobody is identified yet: anyone can send these, so they must not be able to fill the
  // append-only audit log. Each is logged; the first from an address in a window is audited.
  const refuse = async (outcome: SsoOutcome, reason: string, extra: Partial<AuditEntry> = {}): Promise<FinishedSignIn> => {
    const changes = { failure: reason, ...(extra.changes ?? {}) };
    const address = addressKey(meta.ip);
    log.warn({ sso: { providerId, ...changes } }, 'single sign-on callback refused');
    await auditedTransaction(db, actor, async (tx) => {
      const n = await repo.countAnonymousRefusal(tx, address, ANONYMOUS_REFUSAL_WINDOW_MINUTES);
      if (n !== 1) return { result: null, audit: [] };
      return {
        result: null,
        audit: {
          action: 'auth.sso_refused',
          recordType: 'identity_provider',
          recordId: providerId,
          ...extra,
          changes: { ...changes, windowMinutes: ANONYMOUS_REFUSAL_WINDOW_MINUTES },
        },
      };
    });
    return { outcome };
  };
  const params = new URLSearchParams(query);
  // The browser that started the sign-in holds the state in a cookie: a callback from any other
  // browser (a forged link, a replay) is refused, and each state is used once.
  if (!cookieState) return refuse('expired', 'no_state_cookie');
  const request = await repo.takeRequest(db, sha256(cookieState));
  if (!request || request.providerId !== providerId) return refuse('expired', 'unknown_state');
  if (params.get('state') !== cookieState) return refuse('refused', 'state_mismatch');
  if (params.has('error')) return refuse('refused', 'provider_error', { changes: { error: (params.get('error') ?? '').slice(0, 100) } });
  const provider = await repo.findProvider(db, providerId);
  if (!provider?.enabled) return refuse('unavailable', 'provider_disabled');
  // A provider made in demo mode (its published accounts) does nothing once Pathway runs for real.
  if (provider.isDemo && !config.demo) return refuse('unavailable', 'demo_provider');
  let oidc: client.Configuration;
  try {
    oidc = await clientFor(keys, provider);
  } catch {
    return refuse('unavailable', 'discovery_failed');
  }
  const currentUrl = new URL(request.redirectUri);
  currentUrl.search = params.toString();
  let claims: Claims;
  try {
    const tokens = await client.authorizationCodeGrant(oidc, currentUrl, {
      pkceCodeVerifier: request.codeVerifier,
      expectedState: cookieState,
      expectedNonce: request.nonce,
      idTokenExpected: true,
    });
    const idClaims = tokens.claims();
    if (!idClaims) return refuse('failed', 'no_id_token');
    claims = idClaims as Claims;
  } catch (e) {
    return refuse('failed', 'token_rejected', { changes: whyRejected(e) });
  }
  const issuer = String(claims.iss);
  const subject = String(claims.sub);
  const seen = { email: text(claims.email, 320)?.toLowerCase() ?? null, name: text(claims.name, 200), emailVerified: claims.email_verified === true };
  if (seen.email && !EMAIL.test(seen.email)) seen.email = null;

  return auditedTransaction(db, actor, async (tx) => {
    const refused = (outcome: SsoOutcome, entry: AuditEntry) => ({ result: { outcome } as FinishedSignIn, audit: entry });
    const signedIn = async (userId: string, identityId: string, before: AuditEntry[]) => {
      const totpEnabled = (await tx.selectFrom('users').select('totpEnabledAt').where('id', '=', userId).executeTakeFirstOrThrow()).totpEnabledAt !== null;
      if (totpEnabled && !strongAuthentication(provider, claims)) {
        // The user set up Pathway's second factor: the provider's word alone is not enough (unless its
        // token says it asked for a second factor itself). The code is asked next, then the session made.
        const ticket = randomSecret();
        await tx.deleteFrom('ssoTotpPending').where('expiresAt', '<', sql<Date>`now()`).execute();
        await tx
          .insertInto('ssoTotpPending')
          .values({ ticketHash: sha256(ticket), userId, providerId: provider.id, identityId, expiresAt: new Date(Date.now() + TOTP_TICKET_MINUTES * 60_000) })
          .execute();
        const who: AuditActor = { ...actor, userId };
        for (const entry of before) await appendAudit(tx, who, entry);
        await appendAudit(tx, who, { action: 'auth.sso_totp_required', recordType: 'user', recordId: userId, changes: { providerId: provider.id, identityId } });
        return { result: { totpTicket: ticket } as FinishedSignIn, audit: [] };
      }
      await tx.updateTable('users').set({ lastLoginAt: new Date() }).where('id', '=', userId).execute();
      const session = await createSession(tx, config, userId, meta);
      const user = (await loadUserWithAccess(tx, userId))!;
      // Recorded as the person who signed in, as a password sign-in is.
      const who: AuditActor = { ...actor, userId, agencyId: user.agencyId };
      for (const entry of before) await appendAudit(tx, who, entry);
      await appendAudit(tx, who, { action: 'auth.login', recordType: 'user', recordId: userId, changes: { method: 'sso', providerId: provider.id, identityId, session: session.id } });
      return { result: { session: { ...session, user } } as FinishedSignIn, audit: [] };
    };
    const identity = await repo.findIdentityForUpdate(tx, issuer, subject);
    // A person is known through the provider (client) that first saw them: another client registered
    // for the same issuer (another agency's, other claims) does not speak for them.
    if (identity && identity.providerId !== provider.id)
      return refused('refused', { action: 'auth.sso_refused', recordType: 'sso_identity', recordId: identity.id, changes: { failure: 'other_provider', providerId: provider.id } });
    if (identity) await repo.touchIdentity(tx, identity.id, seen);

    if (identity?.userId) {
      const user = await loadUserWithAccess(tx, identity.userId);
      const who = { recordType: 'user', recordId: identity.userId };
      if (!user || user.disabled || (user.isDemo && !config.demo) || user.isServiceAccount)
        return refused('disabled', { action: 'auth.sso_refused', ...who, changes: { failure: 'account_disabled', providerId: provider.id } });
      if (provider.agencyId && provider.agencyId !== user.agencyId)
        return refused('wrong_agency', { action: 'auth.sso_refused', ...who, changes: { failure: 'wrong_agency', providerId: provider.id } });
      const before: AuditEntry[] = [];
      if (provider.assignment === 'claims' && identity.placedBy === 'claims') {
        // The placement is made again at every sign-in: claims that now name another agency (or none)
        // are a move an administrator decides, so the sign-in waits (no session).
        const agencyId = agencyByClaims(provider, claims);
        if (agencyId !== user.agencyId)
          return refused('pending', { action: 'auth.sso_pending', recordType: 'sso_identity', recordId: identity.id, changes: { failure: 'agency_changed', providerId: provider.id, userId: user.id } });
        // The provider stays the source of the roles it gave: a group removed there is a role removed
        // here. Roles an administrator assigned are theirs to change.
        const roles = mapRoles(provider, claims);
        if (roles.join() !== [...user.roles].sort().join()) {
          await setRoles(tx, user.id, roles);
          before.push({ action: 'user.updated', ...who, changes: { ...diff({ roles: user.roles }, { roles }), identityProviderId: provider.id } });
        }
      }
      return signedIn(user.id, identity.id, before);
    }
    if (identity) return refused('pending', { action: 'auth.sso_pending', recordType: 'sso_identity', recordId: identity.id, changes: { providerId: provider.id } });

    const place = placeByClaims(provider, claims);
    // Only an e-mail the provider says it verified makes a user: an unverified one waits for an administrator.
    const userId =
      place && seen.email && seen.emailVerified
        ? await repo.insertSsoUser(tx, { email: seen.email, name: seen.name ?? seen.email, language: languageOf(claims), agencyId: place.agencyId, isDemo: config.demo || provider.isDemo })
        : null;
    const identityId = await repo.insertIdentity(tx, { providerId: provider.id, issuer, subject, userId, placedBy: userId ? 'claims' : 'admin', ...seen });
    // The same first sign-in twice at once: this one gives way (its transaction, user included, rolls back).
    if (!identityId) throw conflict('sign_in_in_progress', 'This sign-in is already being completed; start again');
    if (!userId || !place) {
      // No placement from the claims, no verified e-mail, or an e-mail another user has: an administrator decides.
      return refused('pending', { action: 'auth.sso_pending', recordType: 'sso_identity', recordId: identityId, changes: { providerId: provider.id } });
    }
    await setRoles(tx, userId, place.roles);
    const user = (await loadUserWithAccess(tx, userId))!;
    if (user.disabled) return refused('disabled', { action: 'auth.sso_refused', recordType: 'user', recordId: userId, changes: { failure: 'agency_disabled', providerId: provider.id } });
    return signedIn(userId, identityId, [
      {
        action: 'user.created',
        recordType: 'user',
        recordId: userId,
        changes: { ...diff(null, { email: seen.email, name: seen.name ?? seen.email, agencyId: place.agencyId, roles: place.roles }), identityProviderId: provider.id },
      },
      { action: 'sso.identity_linked', recordType: 'sso_identity', recordId: identityId, changes: { userId, providerId: provider.id } },
    ]);
  });
}

/**
 * The second step of a single sign-on for a user with Pathway TOTP: the ticket (from the browser's
 * cookie) and the code. Wrong codes count against the account exactly as at the password sign-in
 * (`TOTP_MAX_FAILURES` an hour); a code is spent once; the ticket is spent by the success.
 */
export async function finishTotp(db: Db, config: Config, keys: Keys, actor: AuditActor, ticket: string | undefined, code: string, meta: { ip: string | null; userAgent: string | null }): Promise<NewSession> {
  const expired = () => new AppError('sso_expired', 401, 'The sign-in took too long or was already used: start again');
  if (!ticket) throw expired();
  const pending = await db.selectFrom('ssoTotpPending').selectAll().where('ticketHash', '=', sha256(ticket)).where('expiresAt', '>', sql<Date>`now()`).executeTakeFirst();
  if (!pending) throw expired();
  const user = await loadUserWithAccess(db, pending.userId);
  const row = await db.selectFrom('users').select(['totpSecret', 'totpLastStep']).where('id', '=', pending.userId).executeTakeFirst();
  if (!user || user.disabled || (user.isDemo && !config.demo) || !row?.totpSecret) throw expired();
  const who: AuditActor = { ...actor, userId: user.id, agencyId: user.agencyId };
  const wrong = async (reason: string, error: AppError) => {
    await auditedTransaction(db, who, async (tx) => {
      const n = reason === 'wrong_totp' ? await countAccountFailure(tx, user.id, 'totp', TOTP_WINDOW_MINUTES) : 0;
      const entries: AuditEntry[] = [{ action: 'auth.login_failed', recordType: 'user', recordId: user.id, changes: { method: 'sso', reason } }];
      if (n === TOTP_MAX_FAILURES) entries.push({ action: 'auth.totp_locked', recordType: 'user', recordId: user.id, changes: { failures: n } });
      return { result: null, audit: entries };
    });
    throw error;
  };
  if ((await accountFailures(db, user.id, 'totp', TOTP_WINDOW_MINUTES)) >= TOTP_MAX_FAILURES)
    return wrong('totp_locked', new AppError('totp_locked', 429, 'Too many wrong codes for this account: try again in an hour', { code: 'too many wrong codes' }));
  const step = totpStep(openTotpSecret(keys, row.totpSecret, user.id), code);
  const invalidCode = () => new AppError('invalid_totp', 401, 'The code is wrong or already used', { code: 'wrong code' });
  if (step === null || (row.totpLastStep !== null && step <= Number(row.totpLastStep))) return wrong('wrong_totp', invalidCode());
  const session = await auditedTransaction(db, who, async (tx) => {
    const taken = await tx.deleteFrom('ssoTotpPending').where('ticketHash', '=', pending.ticketHash).returning('userId').executeTakeFirst();
    const spent = await tx
      .updateTable('users')
      .set({ lastLoginAt: new Date(), totpLastStep: step })
      .where('id', '=', user.id)
      .where((eb) => eb.or([eb('totpLastStep', 'is', null), eb('totpLastStep', '<', String(step))]))
      .executeTakeFirst();
    if (!taken || Number(spent.numUpdatedRows) !== 1)
      return { result: null, audit: { action: 'auth.login_failed', recordType: 'user', recordId: user.id, changes: { method: 'sso', reason: 'totp_replayed' } } };
    const s = await createSession(tx, config, user.id, meta);
    return {
      result: { ...s, user: (await loadUserWithAccess(tx, user.id))! },
      audit: { action: 'auth.login', recordType: 'user', recordId: user.id, changes: { method: 'sso', totp: true, providerId: pending.providerId, identityId: pending.identityId, session: s.id } },
    };
  });
  if (!session) throw invalidCode();
  return session;
}
