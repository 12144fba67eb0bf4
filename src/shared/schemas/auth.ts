import { z } from 'zod';
import { AGENCY_TYPES, ROLES } from '../roles.ts';
import { Email, Language, Name, Password } from './common.ts';

export const Role = z.enum(ROLES);
export const AgencyType = z.enum(AGENCY_TYPES);

export const UserView = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  language: Language,
  timeZone: z.string(),
  /** The user receives reminder e-mails (deadlines, work given to them); their own choice. */
  reminderEmails: z.boolean(),
  agency: z.object({ id: z.uuid(), name: z.string(), type: AgencyType }),
  roles: z.array(Role),
  permissions: z.array(z.string()),
  isServiceAccount: z.boolean(),
  totpEnabled: z.boolean(),
  /** The user's role requires a second factor they have not set up yet: only TOTP setup and sign-out work. */
  totpSetupRequired: z.boolean(),
  mustChangePassword: z.boolean(),
  isDemo: z.boolean(),
});
export type UserView = z.infer<typeof UserView>;

export const LoginBody = z.strictObject({
  email: Email,
  password: z.string().min(1, 'required').max(256),
  totp: z.string().regex(/^\d{6}$/, 'six digits').optional(),
  /** The language chosen on the sign-in page: it becomes the account's language. */
  language: Language.optional().describe("the language chosen on the sign-in page; it becomes the account's language"),
});
export const LoginResponse = z.object({ user: UserView, csrfToken: z.string() });
export const MeResponse = z.object({ user: UserView, csrfToken: z.string().nullable(), demo: z.boolean() });

export const UpdateMeBody = z
  .strictObject({ name: Name.optional(), language: Language.optional(), timeZone: z.string().min(1).max(64).optional(), reminderEmails: z.boolean().optional() })
  .refine((b) => Object.keys(b).length > 0, 'nothing to change');

export const ChangePasswordBody = z.strictObject({ currentPassword: z.string().min(1).max(256), newPassword: Password });

export const TotpSetupResponse = z.object({ secret: z.string(), uri: z.string() });
export const TotpCodeBody = z.strictObject({ code: z.string().regex(/^\d{6}$/, 'six digits') });
export const TotpDisableBody = z.strictObject({ password: z.string().min(1).max(256) });
/** Setting up a second factor asks for the current password again. */
export const TotpSetupBody = z.strictObject({ password: z.string().min(1).max(256) });

export const TokenView = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export const CreateTokenBody = z.strictObject({
  name: z.string().trim().min(1, 'required').max(100),
  expiresInDays: z.number().int().min(1).max(366),
});
export const CreatedToken = z.object({ token: z.string(), tokenInfo: TokenView });

export const SetupStatus = z.object({ needsSetup: z.boolean() });
export const SetupBody = z.strictObject({
  token: z.string().min(10).max(200),
  email: Email,
  name: Name,
  password: Password,
  agencyName: z.string().trim().min(1).max(200).optional(),
  /** The language the setup page was filled in: the administrator's language. */
  language: Language.optional().describe("the setup page's language; the administrator's language (default az)"),
});
