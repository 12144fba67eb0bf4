import type { Permission, Role } from '../../shared/roles.ts';
import type { AuditActor } from '../audit/audit.ts';

/** The signed-in user as the policy engine sees them. */
export type Principal = {
  userId: string;
  agencyId: string;
  email: string;
  roles: readonly Role[];
  permissions: ReadonlySet<Permission>;
  via: 'session' | 'token';
  sessionId: string | null;
  tokenId: string | null;
};

export function actorOf(p: Principal | null, requestId?: string, ip?: string): AuditActor {
  if (!p) return { userId: null, agencyId: null, via: 'public', requestId: requestId ?? null, ip: ip ?? null };
  return {
    userId: p.userId,
    agencyId: p.agencyId,
    via: p.via,
    tokenId: p.tokenId,
    requestId: requestId ?? null,
    ip: ip ?? null,
  };
}
