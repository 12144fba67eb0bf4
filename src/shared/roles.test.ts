import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ALL_PERMISSIONS, DEFAULT_ROLE_PERMISSIONS, ROLES, isPermission } from './roles.ts';

/** The role table in docs/access-model.md, read back into permissions. */
function documentedPermissions(): Map<string, Set<string>> {
  const doc = fs.readFileSync(new URL('../../docs/access-model.md', import.meta.url), 'utf8');
  const table = doc.split('<!-- role-table:start -->')[1]!.split('<!-- role-table:end -->')[0]!;
  const out = new Map<string, Set<string>>();
  for (const line of table.split('\n').filter((l) => /^\| [a-z_]+ \|/.test(l))) {
    const [role, records, other] = line
      .split('|')
      .slice(1, 4)
      .map((c) => c.trim()) as [string, string, string];
    const perms = new Set<string>();
    for (const m of records.matchAll(/(\w+) ([a-z/]+) \((\w+)\)/g))
      for (const a of m[2]!.split('/')) perms.add(`${m[1]}:${a}:${m[3]}`);
    for (const p of other.split(', ').filter((p) => p !== '—')) perms.add(p);
    out.set(role, perms);
  }
  return out;
}

describe('DEFAULT_ROLE_PERMISSIONS', () => {
  it('gives every role only permissions that exist', () => {
    for (const role of ROLES)
      for (const p of DEFAULT_ROLE_PERMISSIONS[role]) expect(isPermission(p), `${role}: ${p}`).toBe(true);
    expect(new Set(ALL_PERMISSIONS).size).toBe(ALL_PERMISSIONS.length);
  });

  it('is what docs/access-model.md says', () => {
    const documented = documentedPermissions();
    expect([...documented.keys()]).toEqual([...ROLES]);
    for (const role of ROLES)
      expect([...documented.get(role)!].sort(), role).toEqual([...DEFAULT_ROLE_PERMISSIONS[role]].sort());
  });

  it('lets only supervisors and coordinators break the glass, and no one read every case', () => {
    expect(ROLES.filter((r) => DEFAULT_ROLE_PERMISSIONS[r].includes('break_glass'))).toEqual([
      'supervisor',
      'coordinator',
    ]);
    expect(
      ROLES.filter((r) =>
        DEFAULT_ROLE_PERMISSIONS[r].some((p) => /^(case|person|contact|document):read:all$/.test(p)),
      ),
    ).toEqual([]);
  });
});
