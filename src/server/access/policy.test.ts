import { describe, expect, it } from 'vitest';
import { SCOPES, type Permission, type RecordAction } from '../../shared/roles.ts';
import {
  decide,
  redact,
  scopesFor,
  type Decision,
  type GrantFacts,
  type RecordFacts,
  type ResourceDef,
} from './policy.ts';
import type { Principal } from './principal.ts';

const ME = 'user-me';
const OTHER = 'user-other';
const MINE = 'agency-mine';
const THEIRS = 'agency-theirs';
const NOW = new Date('2025-06-01T12:00:00.000Z');
const at = (ms: number) => new Date(NOW.getTime() + ms);
const HOUR = 3600_000;

const CASES: ResourceDef = {
  recordType: 'case',
  table: 'cases',
  idColumn: 'cases.id',
  ownerUserColumn: 'cases.ownerUserId',
  ownerAgencyColumn: 'cases.ownerAgencyId',
  sections: ['summary', 'identity', 'health', 'legal'],
  fieldTags: {
    fullName: 'identity',
    phone: 'contact',
    address: 'location',
    diagnosis: 'health',
    story: 'narrative',
  },
};

function principal(permissions: Permission[], over: Partial<Principal> = {}): Principal {
  return {
    userId: ME,
    agencyId: MINE,
    email: 'me@example.org',
    roles: [],
    permissions: new Set(permissions),
    via: 'session',
    sessionId: null,
    tokenId: null,
    ...over,
  };
}

const grant = (g: Partial<GrantFacts>): GrantFacts => ({
  granteeAgencyId: null,
  granteeUserId: null,
  sections: ['summary'],
  createdAt: at(-HOUR),
  expiresAt: null,
  revokedAt: null,
  ...g,
});
const toMine = (g: Partial<GrantFacts> = {}) => grant({ granteeAgencyId: MINE, ...g });
const toMe = (g: Partial<GrantFacts> = {}) =>
  grant({ granteeUserId: ME, sections: [...CASES.sections], ...g });

const record = (r: Partial<RecordFacts> = {}): RecordFacts => ({
  ownerUserId: null,
  ownerAgencyId: THEIRS,
  grants: [],
  ...r,
});

type Expect = false | { via: string; sections: string[] };
type Case = { name: string; perms: Permission[]; action: RecordAction; record: RecordFacts; expect: Expect };

const ALL_SECTIONS = { sections: [...CASES.sections] };

const cases: Case[] = [
  // no permission at all
  {
    name: 'no permissions, own agency record',
    perms: [],
    action: 'read',
    record: record({ ownerAgencyId: MINE }),
    expect: false,
  },
  {
    name: 'permission on another record type does not count',
    perms: ['person:read:all'],
    action: 'read',
    record: record(),
    expect: false,
  },
  {
    name: 'read permission does not give update',
    perms: ['case:read:all'],
    action: 'update',
    record: record(),
    expect: false,
  },

  // all
  {
    name: 'all: any agency',
    perms: ['case:read:all'],
    action: 'read',
    record: record(),
    expect: { via: 'all', ...ALL_SECTIONS },
  },
  {
    name: 'all: update',
    perms: ['case:update:all'],
    action: 'update',
    record: record(),
    expect: { via: 'all', ...ALL_SECTIONS },
  },
  {
    name: 'all wins over a narrower grant',
    perms: ['case:read:all', 'case:read:granted'],
    action: 'read',
    record: record({ grants: [toMine()] }),
    expect: { via: 'all', ...ALL_SECTIONS },
  },

  // agency
  {
    name: 'agency: own agency record',
    perms: ['case:read:agency'],
    action: 'read',
    record: record({ ownerAgencyId: MINE }),
    expect: { via: 'agency', ...ALL_SECTIONS },
  },
  {
    name: 'agency: another agency record',
    perms: ['case:read:agency'],
    action: 'read',
    record: record(),
    expect: false,
  },
  {
    name: 'agency: update own agency record',
    perms: ['case:update:agency'],
    action: 'update',
    record: record({ ownerAgencyId: MINE }),
    expect: { via: 'agency', ...ALL_SECTIONS },
  },
  {
    name: 'agency does not reach my record kept in another agency (a moved user leaves it behind)',
    perms: ['case:read:agency', 'case:update:agency'],
    action: 'read',
    record: record({ ownerUserId: ME }),
    expect: false,
  },
  {
    name: 'agency: my record in my agency is the agency\'s',
    perms: ['case:read:agency'],
    action: 'read',
    record: record({ ownerAgencyId: MINE, ownerUserId: ME }),
    expect: { via: 'agency', ...ALL_SECTIONS },
  },
  {
    name: 'agency: a grant to my agency is not used without granted scope',
    perms: ['case:read:agency'],
    action: 'read',
    record: record({ grants: [toMine()] }),
    expect: false,
  },

  // own
  {
    name: 'own: my record',
    perms: ['case:read:own'],
    action: 'read',
    record: record({ ownerAgencyId: MINE, ownerUserId: ME }),
    expect: { via: 'own', ...ALL_SECTIONS },
  },
  {
    name: 'own: my record in an agency I was moved out of',
    perms: ['case:read:own', 'case:update:own'],
    action: 'read',
    record: record({ ownerUserId: ME }),
    expect: false,
  },
  {
    name: 'own: update my record in an agency I was moved out of',
    perms: ['case:read:own', 'case:update:own'],
    action: 'update',
    record: record({ ownerUserId: ME }),
    expect: false,
  },
  {
    name: 'own: colleague record in my agency',
    perms: ['case:read:own'],
    action: 'read',
    record: record({ ownerAgencyId: MINE, ownerUserId: OTHER }),
    expect: false,
  },
  {
    name: 'own: unowned record in my agency',
    perms: ['case:read:own'],
    action: 'read',
    record: record({ ownerAgencyId: MINE }),
    expect: false,
  },
  {
    name: 'own: update my record',
    perms: ['case:update:own'],
    action: 'update',
    record: record({ ownerAgencyId: MINE, ownerUserId: ME }),
    expect: { via: 'own', ...ALL_SECTIONS },
  },
  {
    name: 'own read does not give update',
    perms: ['case:read:own'],
    action: 'update',
    record: record({ ownerUserId: ME }),
    expect: false,
  },

  // granted: agency grants
  {
    name: 'granted: active grant to my agency',
    perms: ['case:read:granted'],
    action: 'read',
    record: record({ grants: [toMine({ sections: ['summary', 'legal'] })] }),
    expect: { via: 'granted', sections: ['summary', 'legal'] },
  },
  {
    name: 'granted: grant to another agency',
    perms: ['case:read:granted'],
    action: 'read',
    record: record({ grants: [grant({ granteeAgencyId: 'agency-third' })] }),
    expect: false,
  },
  {
    name: 'granted: no grant',
    perms: ['case:read:granted'],
    action: 'read',
    record: record(),
    expect: false,
  },
  {
    name: 'granted: own agency record is not reached by granted alone',
    perms: ['case:read:granted'],
    action: 'read',
    record: record({ ownerAgencyId: MINE }),
    expect: false,
  },
  {
    name: 'granted: revoked grant',
    perms: ['case:read:granted'],
    action: 'read',
    record: record({ grants: [toMine({ revokedAt: at(-1) })] }),
    expect: false,
  },
  {
    name: 'granted: revocation dated later still revokes',
    perms: ['case:read:granted'],
    action: 'read',
    record: record({ grants: [toMine({ revokedAt: at(HOUR) })] }),
    expect: false,
  },
  {
    name: 'granted: expired grant',
    perms: ['case:read:granted'],
    action: 'read',
    record: record({ grants: [toMine({ expiresAt: at(-1) })] }),
    expect: false,
  },
  {
    name: 'granted: grant expiring exactly now has ended',
    perms: ['case:read:granted'],
    action: 'read',
    record: record({ grants: [toMine({ expiresAt: NOW })] }),
    expect: false,
  },
  {
    name: 'granted: grant expiring a millisecond from now',
    perms: ['case:read:granted'],
    action: 'read',
    record: record({ grants: [toMine({ expiresAt: at(1) })] }),
    expect: { via: 'granted', sections: ['summary'] },
  },
  {
    name: 'granted: grant not yet started',
    perms: ['case:read:granted'],
    action: 'read',
    record: record({ grants: [toMine({ createdAt: at(1) })] }),
    expect: false,
  },
  {
    name: 'granted: grant starting exactly now',
    perms: ['case:read:granted'],
    action: 'read',
    record: record({ grants: [toMine({ createdAt: NOW })] }),
    expect: { via: 'granted', sections: ['summary'] },
  },
  {
    name: 'granted: sections of active grants are united, inactive ones ignored',
    perms: ['case:read:granted'],
    action: 'read',
    record: record({
      grants: [
        toMine({ sections: ['summary'] }),
        toMine({ sections: ['legal', 'summary'] }),
        toMine({ sections: ['health'], revokedAt: at(-1) }),
        toMine({ sections: ['identity'], expiresAt: at(-1) }),
      ],
    }),
    expect: { via: 'granted', sections: ['summary', 'legal'] },
  },
  {
    name: 'granted: update with update:granted',
    perms: ['case:update:granted'],
    action: 'update',
    record: record({ grants: [toMine()] }),
    expect: { via: 'granted', sections: ['summary'] },
  },
  {
    name: 'granted: read:granted does not give update',
    perms: ['case:read:granted'],
    action: 'update',
    record: record({ grants: [toMine()] }),
    expect: false,
  },
  {
    name: 'granted: grant with no sections still admits, showing nothing',
    perms: ['case:read:granted'],
    action: 'read',
    record: record({ grants: [toMine({ sections: [] })] }),
    expect: { via: 'granted', sections: [] },
  },

  // user grants (break-glass)
  {
    name: 'user grant: read with no role permission at all',
    perms: [],
    action: 'read',
    record: record({ grants: [toMe()] }),
    expect: { via: 'user_grant', ...ALL_SECTIONS },
  },
  {
    name: 'user grant: never an update',
    perms: [],
    action: 'update',
    record: record({ grants: [toMe()] }),
    expect: false,
  },
  {
    name: 'user grant: not even with update:granted',
    perms: ['case:update:granted'],
    action: 'update',
    record: record({ grants: [toMe()] }),
    expect: false,
  },
  {
    name: 'user grant: to someone else',
    perms: [],
    action: 'read',
    record: record({ grants: [toMe({ granteeUserId: OTHER })] }),
    expect: false,
  },
  {
    name: 'user grant: expired',
    perms: [],
    action: 'read',
    record: record({ grants: [toMe({ expiresAt: at(-1) })] }),
    expect: false,
  },
  {
    name: 'user grant: revoked',
    perms: [],
    action: 'read',
    record: record({ grants: [toMe({ revokedAt: at(-1) })] }),
    expect: false,
  },
  {
    name: 'user grant: not yet started',
    perms: [],
    action: 'read',
    record: record({ grants: [toMe({ createdAt: at(1) })] }),
    expect: false,
  },
  {
    name: 'user grant and agency grant: sections united, via the agency grant',
    perms: ['case:read:granted'],
    action: 'read',
    record: record({ grants: [toMine({ sections: ['summary'] }), toMe({ sections: ['health'] })] }),
    expect: { via: 'granted', sections: ['summary', 'health'] },
  },
  {
    name: 'agency grant without granted scope is ignored next to a user grant',
    perms: [],
    action: 'read',
    record: record({ grants: [toMine({ sections: ['summary'] }), toMe({ sections: ['health'] })] }),
    expect: { via: 'user_grant', sections: ['health'] },
  },

  // an order ended access: invisible to all but auditors and the owning agency's supervisors, read only
  {
    name: 'ended: the owning agency\'s staff no longer read it',
    perms: ['case:read:agency'],
    action: 'read',
    record: record({ ownerAgencyId: MINE, accessEnded: true }),
    expect: false,
  },
  {
    name: 'ended: its case worker no longer reads it',
    perms: ['case:read:own'],
    action: 'read',
    record: record({ ownerAgencyId: MINE, ownerUserId: ME, accessEnded: true }),
    expect: false,
  },
  {
    name: 'ended: a grant to my agency opens nothing',
    perms: ['case:read:granted'],
    action: 'read',
    record: record({ grants: [toMine()], accessEnded: true }),
    expect: false,
  },
  {
    name: 'ended: a break-glass grant to me opens nothing',
    perms: ['break_glass'],
    action: 'read',
    record: record({ grants: [toMe()], accessEnded: true }),
    expect: false,
  },
  {
    name: 'ended: all scope reaches nothing',
    perms: ['case:read:all'],
    action: 'read',
    record: record({ accessEnded: true }),
    expect: false,
  },
  {
    name: 'ended: the owning agency\'s supervisor reads it',
    perms: ['case:read:agency', 'cases:read_restricted'],
    action: 'read',
    record: record({ ownerAgencyId: MINE, accessEnded: true }),
    expect: { via: 'agency', ...ALL_SECTIONS },
  },
  {
    name: 'ended: the owning agency\'s supervisor does not change it',
    perms: ['case:update:agency', 'cases:read_restricted'],
    action: 'update',
    record: record({ ownerAgencyId: MINE, accessEnded: true }),
    expect: false,
  },
  {
    name: 'ended: another agency\'s supervisor with a grant does not read it',
    perms: ['case:read:granted', 'cases:read_restricted'],
    action: 'read',
    record: record({ grants: [toMine()], accessEnded: true }),
    expect: false,
  },
  {
    name: 'ended: an auditor with a grant reads it',
    perms: ['case:read:granted', 'cases:read_restricted', 'audit:read'],
    action: 'read',
    record: record({ grants: [toMine()], accessEnded: true }),
    expect: { via: 'granted', sections: ['summary'] },
  },
];

const shape = (d: Decision): Expect => (d.allowed ? { via: d.via, sections: [...d.sections].sort() } : false);

describe('decide', () => {
  it.each(cases)('$name', ({ perms, action, record: r, expect: want }) => {
    const got = shape(decide(principal(perms), action, CASES, r, NOW));
    expect(got).toEqual(want === false ? false : { via: want.via, sections: [...want.sections].sort() });
  });

  it('uses the current time when none is given', () => {
    const r = record({
      grants: [
        toMine({ createdAt: new Date(Date.now() - 60_000), expiresAt: new Date(Date.now() + 60_000) }),
      ],
    });
    expect(decide(principal(['case:read:granted']), 'read', CASES, r).allowed).toBe(true);
    const ended = record({
      grants: [
        toMine({ createdAt: new Date(Date.now() - 120_000), expiresAt: new Date(Date.now() - 60_000) }),
      ],
    });
    expect(decide(principal(['case:read:granted']), 'read', CASES, ended).allowed).toBe(false);
  });
});

describe('scopesFor', () => {
  it('collects exactly the scopes of the type and action asked about', () => {
    const p = principal(['case:read:own', 'case:read:granted', 'case:update:agency', 'person:read:all']);
    expect([...scopesFor(p, 'case', 'read')].sort()).toEqual(['granted', 'own']);
    expect([...scopesFor(p, 'case', 'update')]).toEqual(['agency']);
    expect([...scopesFor(p, 'person', 'read')]).toEqual(['all']);
    expect([...scopesFor(p, 'referral', 'read')]).toEqual([]);
    for (const s of SCOPES)
      expect(scopesFor(principal([`case:read:${s}`]), 'case', 'read')).toEqual(new Set([s]));
  });
});

describe('redact', () => {
  const full = {
    id: 'c1',
    status: 'open',
    fullName: 'A B',
    phone: '+994',
    address: 'Baku',
    diagnosis: 'x',
    story: 'y',
  };

  it.each([
    { perms: [] as Permission[], keep: ['id', 'status'] },
    { perms: ['sensitive:identity'] as Permission[], keep: ['id', 'status', 'fullName'] },
    {
      perms: ['sensitive:contact', 'sensitive:location'] as Permission[],
      keep: ['id', 'status', 'phone', 'address'],
    },
    {
      perms: ['sensitive:health', 'sensitive:narrative'] as Permission[],
      keep: ['id', 'status', 'diagnosis', 'story'],
    },
    {
      perms: [
        'sensitive:identity',
        'sensitive:contact',
        'sensitive:location',
        'sensitive:health',
        'sensitive:narrative',
      ] as Permission[],
      keep: Object.keys(full),
    },
    // record permissions, even `all`, do not reveal tagged fields
    { perms: ['case:read:all', 'case:update:all'] as Permission[], keep: ['id', 'status'] },
  ])('with $perms keeps $keep', ({ perms, keep }) => {
    const out = redact(principal(perms), CASES, full);
    expect(Object.keys(out).sort()).toEqual([...keep].sort());
    for (const k of keep) expect(out[k as keyof typeof full]).toBe(full[k as keyof typeof full]);
  });

  it('drops a tagged field even when its value is null or empty', () => {
    expect(redact(principal([]), CASES, { id: 'c1', fullName: null, story: '' })).toEqual({ id: 'c1' });
  });

  it('does not change the record it was given', () => {
    const copy = { ...full };
    redact(principal([]), CASES, copy);
    expect(copy).toEqual(full);
  });
});
