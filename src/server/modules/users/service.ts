import type { Db, Tx } from '../../db/database.ts';
import { auditedTransaction, diff, type AuditActor } from '../../audit/audit.ts';
import { hashPassword } from '../../auth/passwords.ts';
import { generatePassword } from '../../auth/tokens.ts';
import { AppError, badRequest, conflict, notFound } from '../../errors.ts';
import { isForeignKeyViolation, isUniqueViolation } from '../../db/pagination.ts';
import type { AdminUserView } from '../../../shared/schemas/admin.ts';
import type { Language } from '../../../shared/schemas/common.ts';
import type { Role } from '../../../shared/roles.ts';
import * as repo from './repository.ts';
import { handOverWork } from './handover.ts';
import { revokeAllSessions, revokeAllTokens, unlinkIdentitiesOfPasswordUser } from '../../auth/credentials.ts';

export function toAdminView(u: NonNullable<repo.UserRow>): AdminUserView {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    language: u.language as Language,
    agency: { id: u.agencyId, name: u.agencyName },
    roles: u.roles as Role[],
    isServiceAccount: u.isServiceAccount,
    disabled: u.disabled,
    totpEnabled: u.totpEnabled,
    lockedUntil: u.lockedUntil && u.lockedUntil > new Date() ? u.lockedUntil.toISOString() : null,
    lastLoginAt: u.lastLoginAt?.toISOString() ?? null,
    createdAt: u.createdAt.toISOString(),
    isDemo: u.isDemo,
  };
}

export type CreateUserInput = {
  email: string;
  name: string;
  language: Language;
  agencyId: string;
  roles: readonly Role[];
  isServiceAccount: boolean;
  password?: string | undefined;
  isDemo?: boolean;
  /**
   * The given password was chosen by someone other than the user (an administrator): it must be
   * changed at the first sign-in, like a temporary one. Not for a password the person set themself
   * (the first administrator at setup) or the demo's published one.
   */
  mustChangePassword?: boolean;
};

/** Inserts a user in the caller's transaction; without a password a temporary one is made and returned once. */
export async function insertUser(tx: Tx, input: CreateUserInput): Promise<{ id: string; temporaryPassword: string | null }> {
  const temporaryPassword = input.isServiceAccount || input.password ? null : generatePassword();
  const secret = input.isServiceAccount ? null : (input.password ?? temporaryPassword);
  const agency = await tx.selectFrom('agencies').select(['id', 'disabledAt']).where('id', '=', input.agencyId).executeTakeFirst();
  if (!agency) throw badRequest('validation_failed', 'No such agency', { agencyId: 'unknown agency' });
  try {
    const row = await tx
      .insertInto('users')
      .values({
        email: input.email.toLowerCase(),
        name: input.name,
        language: input.language,
        agencyId: input.agencyId,
        isServiceAccount: input.isServiceAccount,
        passwordHash: secret ? await hashPassword(secret) : null,
        passwordChangedAt: secret ? new Date() : null,
        mustChangePassword: secret !== null && (temporaryPassword !== null || input.mustChangePassword === true),
        isDemo: input.isDemo ?? false,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await repo.setRoles(tx, row.id, [...new Set(input.roles)]);
    return { id: row.id, temporaryPassword };
  } catch (e) {
    if (isUniqueViolation(e)) throw conflict('email_taken', 'A user with this e-mail exists', { email: 'already in use' });
    throw e;
  }
}

export async function createUser(db: Db, actor: AuditActor, input: CreateUserInput) {
  return auditedTransaction(db, actor, async (tx) => {
    const { id, temporaryPassword } = await insertUser(tx, input);
    const user = (await repo.findUser(tx, id))!;
    return {
      result: { user: toAdminView(user), temporaryPassword },
      audit: {
        action: 'user.created',
        recordType: 'user',
        recordId: id,
        changes: diff(null, { email: user.email, name: user.name, language: user.language, agencyId: user.agencyId, roles: user.roles, isServiceAccount: user.isServiceAccount }),
      },
    };
  });
}

export type UpdateUserInput = { name?: string | undefined; language?: Language | undefined; agencyId?: string | undefined; roles?: Role[] | undefined; disabled?: boolean | undefined };

export async function updateUser(db: Db, actor: AuditActor, id: string, patch: UpdateUserInput) {
  if (actor.userId === id && (patch.disabled === true || (patch.roles && !patch.roles.includes('administrator'))))
    throw new AppError('cannot_lock_out_self', 409, 'You cannot disable yourself or remove your own administrator role');
  return auditedTransaction(db, actor, async (tx) => {
    const before = await repo.findUser(tx, id);
    if (!before) throw notFound('User');
    const set: Record<string, unknown> = { updatedAt: new Date() };
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.language !== undefined) set.language = patch.language;
    if (patch.agencyId !== undefined) set.agencyId = patch.agencyId;
    if (patch.disabled !== undefined) set.disabledAt = patch.disabled ? (before.disabled ? undefined : new Date()) : null;
    try {
      await tx.updateTable('users').set(set).where('id', '=', id).execute();
    } catch (e) {
      if (isForeignKeyViolation(e)) throw badRequest('validation_failed', 'No such agency', { agencyId: 'unknown agency' });
      throw e;
    }
    if (patch.roles) await repo.setRoles(tx, id, [...new Set(patch.roles)]);
    const moved = patch.agencyId !== undefined && patch.agencyId !== before.agencyId;
    // A disabled user, or one moved to another agency, keeps no open session.
    if (patch.disabled === true || moved) await revokeAllSessions(tx, id);
    // A moved user's open work in the old agency goes to its supervisor, each record audited.
    const handed = moved ? await handOverWork(tx, id, before.agencyId) : null;
    const after = (await repo.findUser(tx, id))!;
    const pick = (u: typeof after) => ({ name: u.name, language: u.language, agencyId: u.agencyId, roles: u.roles, disabled: u.disabled });
    const changes = diff(pick(before), pick(after));
    const handover = handed?.handover;
    return {
      result: { ...toAdminView(after), ...(handover ? { handover } : {}) },
      audit: [
        {
          action: 'user.updated',
          recordType: 'user',
          recordId: id,
          changes: handover
            ? { ...changes, handover: { toUserId: handover.toUserId, cases: handover.caseIds.length, tasks: handover.taskIds.length, contacts: handover.contactIds.length, referrals: handover.referralIds.length } }
            : changes,
        },
        ...(handed?.audit ?? []),
      ],
    };
  });
}

/** A new temporary password (shown once), sessions ended, lockout cleared; optionally the second factor removed. */
export async function resetPassword(db: Db, actor: AuditActor, id: string, resetTotp: boolean) {
  const temporaryPassword = generatePassword();
  const passwordHash = await hashPassword(temporaryPassword);
  return auditedTransaction(db, actor, async (tx) => {
    const user = await tx.selectFrom('users').select(['id', 'isServiceAccount']).where('id', '=', id).executeTakeFirst();
    if (!user) throw notFound('User');
    if (user.isServiceAccount) throw new AppError('service_account', 409, 'A service account has no password; give it an API token');
    // Before the new password is set: a user who had none (single sign-on only) keeps their sign-ins.
    const identitiesRemoved = await unlinkIdentitiesOfPasswordUser(tx, actor, id);
    await tx
      .updateTable('users')
      .set({
        passwordHash,
        passwordChangedAt: new Date(),
        mustChangePassword: true,
        updatedAt: new Date(),
        ...(resetTotp ? { totpSecret: null, totpEnabledAt: null, totpLastStep: null } : {}),
      })
      .where('id', '=', id)
      .execute();
    await tx.deleteFrom('signInAttempts').where('userId', '=', id).execute();
    await tx.deleteFrom('accountFailures').where('userId', '=', id).execute();
    // A reset answers a suspected break-in: whatever the intruder made with the account ends too.
    await revokeAllSessions(tx, id);
    const tokensRevoked = await revokeAllTokens(tx, id);
    return {
      result: { temporaryPassword },
      audit: { action: 'user.password_reset', recordType: 'user', recordId: id, changes: { passwordHash: { changed: true }, totpReset: resetTotp, tokensRevoked, identitiesRemoved } },
    };
  });
}

export async function requireServiceAccount(db: Db, id: string): Promise<void> {
  const u = await db.selectFrom('users').select(['isServiceAccount']).where('id', '=', id).executeTakeFirst();
  if (!u) throw notFound('User');
  if (!u.isServiceAccount) throw new AppError('not_service_account', 409, 'Administrators manage tokens of service accounts only; people manage their own');
}
