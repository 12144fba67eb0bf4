import { z } from 'zod';
import { Role } from './auth.ts';
import { Email, Language, Name } from './common.ts';

/** How a first sign-in gets its agency and roles: from the provider's claims, or from an administrator. */
export const SSO_ASSIGNMENTS = ['claims', 'admin'] as const;
export const SsoAssignment = z.enum(SSO_ASSIGNMENTS);
export type SsoAssignment = z.infer<typeof SsoAssignment>;

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** An issuer is an https URL without query or fragment; plain http only on this machine (development, tests). */
export const IssuerUrl = z
  .string()
  .trim()
  .max(500)
  .refine((s) => {
    try {
      const u = new URL(s);
      if (u.search || u.hash || u.username || u.password) return false;
      return u.protocol === 'https:' || (u.protocol === 'http:' && LOOPBACK.has(u.hostname));
    } catch {
      return false;
    }
  }, 'an https URL without query or fragment (http only for localhost)');

/** A claim's name; a dotted path reads a nested claim (`realm_access.roles`). */
export const ClaimName = z.string().trim().regex(/^[A-Za-z0-9_:/-]+(\.[A-Za-z0-9_:/-]+)*$/, 'letters, digits, _ : / - and dots').max(100);
const ClaimValue = z.string().min(1).max(200);
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
export const Scope = z
  .string()
  .trim()
  .max(500)
  .refine((s) => s.split(/ +/).every((t) => SCOPE_TOKEN.test(t)), 'space-separated scope tokens')
  .refine((s) => s.split(/ +/).includes('openid'), 'must include openid');

const maxEntries = (n: number) => (m: Record<string, unknown>) => Object.keys(m).length <= n;
/** Claim value -> agency id. */
export const AgencyMap = z.record(ClaimValue, z.uuid()).refine(maxEntries(200), 'at most 200 entries');
/** Claim value -> Pathway role. */
export const RoleMap = z.record(ClaimValue, Role).refine(maxEntries(200), 'at most 200 entries');

const providerFields = {
  /** Shown on the sign-in button: "Sign in with <name>". */
  name: Name,
  issuer: IssuerUrl,
  clientId: z.string().trim().min(1, 'required').max(300),
  /** Stored encrypted; never shown again. Omit (or null) for a public client that relies on PKCE alone. */
  clientSecret: z.string().min(1).max(2000).nullable(),
  scope: Scope,
  /** The one agency this provider serves; null for the whole installation. */
  agencyId: z.uuid().nullable(),
  assignment: SsoAssignment,
  agencyClaim: ClaimName.nullable(),
  agencyMap: AgencyMap,
  rolesClaim: ClaimName.nullable(),
  roleMap: RoleMap,
  enabled: z.boolean(),
  /** An `acr` value the ID token must carry; only then does this provider's sign-in stand in for Pathway's TOTP step. */
  requiredAcr: z.string().trim().min(1).max(200).nullable(),
};

/**
 * The administrator's current password, asked again before anything that could leave a way in
 * (a provider, a sign-in given to a user); an administrator without a password instead needs a
 * sign-in younger than ten minutes.
 */
const CurrentPassword = z
  .string()
  .max(1000)
  .optional()
  .describe("The administrator's current password (400 `wrong_password`); not needed by an administrator without a password whose session is younger than ten minutes (else 403 `reauthentication_required`)");

export const CreateIdentityProviderBody = z.strictObject({
  ...providerFields,
  clientSecret: providerFields.clientSecret.optional(),
  scope: providerFields.scope.default('openid email profile'),
  agencyId: providerFields.agencyId.default(null),
  agencyClaim: providerFields.agencyClaim.default(null),
  agencyMap: providerFields.agencyMap.default({}),
  rolesClaim: providerFields.rolesClaim.default(null),
  roleMap: providerFields.roleMap.default({}),
  enabled: providerFields.enabled.default(true),
  requiredAcr: providerFields.requiredAcr.default(null),
  currentPassword: CurrentPassword,
});
export type CreateIdentityProviderBody = z.infer<typeof CreateIdentityProviderBody>;

export const UpdateIdentityProviderBody = z.strictObject({ ...providerFields, currentPassword: CurrentPassword }).partial();
export type UpdateIdentityProviderBody = z.infer<typeof UpdateIdentityProviderBody>;

export const IdentityProviderView = z.object({
  id: z.uuid(),
  name: z.string(),
  issuer: z.string(),
  clientId: z.string(),
  hasClientSecret: z.boolean(),
  scope: z.string(),
  agency: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  assignment: SsoAssignment,
  agencyClaim: z.string().nullable(),
  agencyMap: z.record(z.string(), z.string()),
  rolesClaim: z.string().nullable(),
  roleMap: z.record(z.string(), z.string()),
  enabled: z.boolean(),
  requiredAcr: z.string().nullable(),
  /** Made in demo mode: works only in demo mode. */
  isDemo: z.boolean(),
  /** Defined by the PATHWAY_OIDC_* environment variables: changed only there (PATCH answers 409 `provider_from_environment`). */
  fromEnvironment: z.boolean(),
  /** Register this at the provider as the client's redirect URI; null when PATHWAY_PUBLIC_URL must be set first (docs/single-sign-on.md). */
  redirectUri: z.string().nullable().describe('Register this at the provider; null when PATHWAY_PUBLIC_URL is not set and the request did not come to a loopback address or the HOST Pathway listens on.'),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type IdentityProviderView = z.infer<typeof IdentityProviderView>;

/** What the sign-in page needs: a button per enabled provider. */
export const SsoProviderButton = z.object({ id: z.uuid(), name: z.string() });
export type SsoProviderButton = z.infer<typeof SsoProviderButton>;

/** A person known at a provider: waiting for an administrator (`user` null) or linked to a user. */
export const SsoIdentityView = z.object({
  id: z.uuid(),
  provider: z.object({ id: z.uuid(), name: z.string() }),
  subject: z.string(),
  email: z.string().nullable(),
  name: z.string().nullable(),
  /** Whether the provider said it verified the e-mail (`email_verified`). */
  emailVerified: z.boolean(),
  user: z.object({ id: z.uuid(), email: z.string(), name: z.string() }).nullable(),
  createdAt: z.string(),
  lastSignInAt: z.string(),
});
export type SsoIdentityView = z.infer<typeof SsoIdentityView>;

export const SsoIdentityQuery = z.strictObject({ status: z.enum(['pending', 'linked']).default('pending') });

/** Gives a waiting sign-in a new user: agency and roles, and an e-mail when the provider sent none. */
export const AssignSsoIdentityBody = z.strictObject({
  agencyId: z.uuid(),
  roles: z.array(Role).min(1, 'at least one role').max(12),
  email: Email.optional(),
  name: Name.optional(),
  language: Language.default('az'),
  currentPassword: CurrentPassword,
});
export type AssignSsoIdentityBody = z.infer<typeof AssignSsoIdentityBody>;

/** Links a waiting sign-in to an existing user (an administrator's decision, never the e-mail's). */
export const LinkSsoIdentityBody = z.strictObject({ userId: z.uuid(), currentPassword: CurrentPassword });

/** Why a single sign-on did not end in a session; the sign-in page shows `?sso=<code>`. */
export const SSO_OUTCOMES = ['pending', 'refused', 'disabled', 'failed', 'unavailable', 'expired', 'wrong_agency', 'totp'] as const;
export type SsoOutcome = (typeof SSO_OUTCOMES)[number];
