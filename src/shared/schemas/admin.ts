import { z } from 'zod';
import { AgencyType, Role } from './auth.ts';
import { Email, Language, Name, PageQuery, Password } from './common.ts';
import { ALL_PERMISSIONS } from '../roles.ts';

export const AdminUserView = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  language: Language,
  agency: z.object({ id: z.uuid(), name: z.string() }),
  roles: z.array(Role),
  isServiceAccount: z.boolean(),
  disabled: z.boolean(),
  totpEnabled: z.boolean(),
  lockedUntil: z.string().nullable(),
  lastLoginAt: z.string().nullable(),
  createdAt: z.string(),
  isDemo: z.boolean(),
});
export type AdminUserView = z.infer<typeof AdminUserView>;

/**
 * What moving a user to another agency handed over: their open work in the old agency (cases they
 * were case worker of, open tasks, contacts being worked, referrals they handled) went to that
 * agency's supervisor, `toUserId` (null: the agency has none; the work is left to the agency).
 */
export const UserHandover = z.object({
  fromAgencyId: z.uuid(),
  toUserId: z.uuid().nullable(),
  toUserName: z.string().nullable(),
  caseIds: z.array(z.uuid()),
  taskIds: z.array(z.uuid()),
  contactIds: z.array(z.uuid()),
  referralIds: z.array(z.uuid()),
});
export type UserHandover = z.infer<typeof UserHandover>;
/** A changed user; `handover` when the change moved them to another agency. */
export const UpdatedUserView = AdminUserView.extend({ handover: UserHandover.optional() });

/**
 * The users list's orders: `created` (first created first, the default), `-created`, `name`/`-name`,
 * `lastLogin`/`-lastLogin` (never signed in counts as earliest).
 */
export const USER_SORTS = ['created', '-created', 'name', '-name', 'lastLogin', '-lastLogin'] as const;
export type UserSort = (typeof USER_SORTS)[number];

export const UserListQuery = PageQuery.extend({
  q: z.string().trim().max(100).optional(),
  agencyId: z.uuid().optional(),
  /** The order (`created` by default); a cursor is good only for the order it was made for. */
  sort: z.enum(USER_SORTS).default('created'),
});

export const CreateUserBody = z.strictObject({
  email: Email,
  name: Name,
  language: Language.default('az'),
  agencyId: z.uuid(),
  roles: z.array(Role).max(11).default([]),
  isServiceAccount: z.boolean().default(false),
  /** Omit to have Pathway generate a temporary password. Either way the password must be changed at the first sign-in. */
  password: Password.optional().describe('An initial password; omitted: Pathway generates a temporary one (returned once). Either way the user must change it at their first sign-in before anything else works (403 `password_change_required`).'),
});
export const CreatedUser = z.object({ user: AdminUserView, temporaryPassword: z.string().nullable() });

export const UpdateUserBody = z
  .strictObject({
    name: Name.optional(),
    language: Language.optional(),
    agencyId: z.uuid().optional(),
    roles: z.array(Role).max(11).optional(),
    disabled: z.boolean().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'nothing to change');

export const ResetPasswordBody = z.strictObject({ resetTotp: z.boolean().default(false) });
export const ResetPasswordResponse = z.object({ temporaryPassword: z.string() });

export const AgencyView = z.object({
  id: z.uuid(),
  name: z.string(),
  shortName: z.string().nullable(),
  type: AgencyType,
  region: z.string().nullable(),
  disabled: z.boolean(),
  isDemo: z.boolean(),
  userCount: z.number(),
  createdAt: z.string(),
});
export const AgencyListQuery = PageQuery.extend({ q: z.string().trim().max(100).optional(), type: AgencyType.optional() });
export const CreateAgencyBody = z.strictObject({
  name: Name,
  shortName: z.string().trim().min(1).max(40).nullable().optional(),
  type: AgencyType,
  region: z.string().trim().min(1).max(100).nullable().optional(),
});
export const UpdateAgencyBody = z
  .strictObject({
    name: Name.optional(),
    shortName: z.string().trim().min(1).max(40).nullable().optional(),
    type: AgencyType.optional(),
    region: z.string().trim().min(1).max(100).nullable().optional(),
    disabled: z.boolean().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'nothing to change');

export const Permission = z.enum(ALL_PERMISSIONS as [string, ...string[]]);
export const RoleView = z.object({ code: Role, permissions: z.array(z.string()), requireTotp: z.boolean(), userCount: z.number() });
export const UpdateRoleBody = z
  .strictObject({ permissions: z.array(Permission).max(200).optional(), requireTotp: z.boolean().optional() })
  .refine((b) => Object.keys(b).length > 0, 'nothing to change');
export const RoleParams = z.strictObject({ code: Role });
