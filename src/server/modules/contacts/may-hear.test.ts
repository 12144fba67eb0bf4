import { describe, expect, it } from 'vitest';
import type { Principal } from '../../access/principal.ts';
import type { Permission } from '../../../shared/roles.ts';
import type { LiveEvent } from '../../live/hub.ts';
import { mayHear } from './stream.ts';

const ME = '00000000-0000-4000-8000-000000000001';
const MINE = '00000000-0000-4000-8000-0000000000a1';
const OLD = '00000000-0000-4000-8000-0000000000a2';

const principal = (permissions: Permission[]): Principal => ({
  userId: ME, agencyId: MINE, email: 'me@example.org', roles: [], permissions: new Set(permissions), via: 'session', sessionId: null, tokenId: null,
});
const contact = (ownerAgencyId: string, assignedUserId: string | null): LiveEvent => ({
  type: 'contact', id: '00000000-0000-4000-8000-00000000c001', status: 'in_progress', channel: 'call', urgency: 'normal', ownerAgencyId, assignedUserId, receivedAt: new Date().toISOString(),
});

describe('the live stream\'s rule for contact events', () => {
  it('holds "own" only within the user\'s agency, as the policy engine does', () => {
    expect(mayHear(principal(['contact:read:own']), contact(MINE, ME))).toBe(true);
    // A user moved out of OLD hears nothing more of the contacts still assigned to them there.
    expect(mayHear(principal(['contact:read:own']), contact(OLD, ME))).toBe(false);
    expect(mayHear(principal(['contact:read:agency']), contact(OLD, ME))).toBe(false);
    expect(mayHear(principal(['contact:read:agency']), contact(MINE, null))).toBe(true);
  });
});
