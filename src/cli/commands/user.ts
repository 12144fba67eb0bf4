import { sql } from 'kysely';
import { z } from 'zod';
import type { Db } from '../../server/db/database.ts';
import { AppError } from '../../server/errors.ts';
import { createUser, resetPassword } from '../../server/modules/users/service.ts';
import { Email, Language, Name, Password } from '../../shared/schemas/common.ts';
import { Role } from '../../shared/schemas/auth.ts';
import type { AdminUserView } from '../../shared/schemas/admin.ts';
import { badInput, CLI_ACTOR } from '../context.ts';

export const UserCreateInput = z.strictObject({
  email: Email,
  name: Name,
  agency: z.string().trim().min(1, 'required'),
  roles: z.array(Role).min(1, 'give at least one --role'),
  language: Language.default('az'),
  password: Password.optional(),
});
/** What an operator typed; validated by UserCreateInput. */
export type UserCreateArgs = { email: string; name: string; agency: string; roles: string[]; language?: string | undefined; password?: string | undefined };

/** zod's complaint as one line per field, named by the option the user typed. */
function parseOrExplain<S extends z.ZodType>(schema: S, raw: unknown, optionNames: Record<string, string> = {}): z.infer<S> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => {
    const field = String(i.path[0] ?? '');
    return `  --${optionNames[field] ?? field}: ${i.message}`;
  });
  throw badInput(`Invalid input:\n${lines.join('\n')}`);
}

/** A service's refusal (e-mail taken, no such user) is the caller's input at fault: exit code 2. */
function explainAppError(e: unknown): never {
  if (e instanceof AppError && e.status < 500) {
    const fields = Object.entries(e.fields ?? {}).map(([k, v]) => ` (${k}: ${v})`).join('');
    throw badInput(`${e.message}${fields}`);
  }
  throw e;
}

/** An agency by id or by name (case-insensitive), as an operator would type it. */
async function findAgencyId(db: Db, nameOrId: string): Promise<string> {
  const isId = z.uuid().safeParse(nameOrId).success;
  const rows = await db
    .selectFrom('agencies')
    .select(['id', 'name'])
    .where(isId ? sql<boolean>`id = ${nameOrId}::uuid` : sql<boolean>`lower(name) = lower(${nameOrId})`)
    .execute();
  const found = rows[0];
  if (!found) throw badInput(`No agency ${isId ? 'with id' : 'named'} "${nameOrId}". Create it in the web app, or check the spelling.`);
  return found.id;
}

/** Creates a user, audited as done from the CLI; without a password a temporary one is returned, shown once. */
export async function userCreateCommand(db: Db, raw: UserCreateArgs): Promise<{ user: AdminUserView; temporaryPassword: string | null }> {
  const input = parseOrExplain(UserCreateInput, raw, { roles: 'role' });
  const agencyId = await findAgencyId(db, input.agency);
  return createUser(db, CLI_ACTOR, {
    email: input.email,
    name: input.name,
    language: input.language,
    agencyId,
    roles: input.roles,
    isServiceAccount: false,
    password: input.password,
  }).catch(explainAppError);
}

export const ResetPasswordInput = z.strictObject({ email: Email, resetTotp: z.boolean().default(false) });

/** A new temporary password for the user with this e-mail: their sessions end and any lockout is cleared. */
export async function userResetPasswordCommand(db: Db, raw: { email: string; resetTotp?: boolean }): Promise<{ email: string; temporaryPassword: string }> {
  const input = parseOrExplain(ResetPasswordInput, raw, { resetTotp: 'reset-totp' });
  const user = await db.selectFrom('users').select(['id', 'email']).where(sql<boolean>`lower(email) = ${input.email}`).executeTakeFirst();
  if (!user) throw badInput(`No user with the e-mail ${input.email}`);
  const { temporaryPassword } = await resetPassword(db, CLI_ACTOR, user.id, input.resetTotp).catch(explainAppError);
  return { email: user.email, temporaryPassword };
}
