import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { ROLES } from '../../src/shared/roles.ts';
import { createTestApp, makeAgency, makeUser, PASSWORD, signIn, type Session, type TestApp } from '../helpers/app.ts';

/**
 * The audit log proves who did what without holding what it says: every write operation of the
 * OpenAPI description (and the audited reads of people, cases, contacts and documents) is driven
 * with a unique marker in every text field, and no marker may appear anywhere in audit_log. The
 * operations come from /api/openapi.json, so a new route is driven without being listed here; one
 * the driver cannot bring to a 2xx fails the test by name until it is driven or excused below.
 */

type Schema = {
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minItems?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  default?: unknown;
};
type Operation = { method: string; path: string; body?: Schema; contentType?: string };

const MARK = 'qzxjv';
let markers = 0;
/** A marker: lower-case letters only, so that name fields take it and a code field would too; unique per field. */
const marker = () => {
  let n = markers++;
  let s = '';
  do {
    s += String.fromCharCode(97 + (n % 26));
    n = Math.floor(n / 26);
  } while (n > 0);
  return `${MARK}${s}w`.padEnd(14, 'q');
};

const SSO_PROVIDER = {
  issuer: 'http://127.0.0.1:9',
  scope: 'openid email',
  agencyId: null,
  assignment: 'admin',
  agencyClaim: null,
  agencyMap: {},
  rolesClaim: null,
  roleMap: {},
  requiredAcr: null,
  currentPassword: PASSWORD,
};

/** Routes no generic request can bring to a 2xx, each with why it is excused. Keep this list short. */
const EXCUSED: Record<string, string> = {
  'POST /api/v1/setup': 'first run only, refused once an administrator exists; its entry holds no field but the email, withheld by the writer',
  'POST /api/v1/me/totp/enable': 'needs a code from the enrolled authenticator',
  'POST /api/v1/me/totp/disable': 'needs a code from the enrolled authenticator',
  'POST /api/v1/contacts/{id}/replies/{messageId}/retry': 'only a reply whose delivery failed can be retried, and web form replies are delivered at once; its entry records the message id and attempts',
  'POST /api/v1/auth/sso/totp': 'needs the ticket of a sign-in through an identity provider and a code from the enrolled authenticator (driven in oidc.api.test.ts); its entries hold ids and failure codes',
  'POST /api/v1/sso-identities/{id}/assign': 'a sign-in waiting for an administrator is made only by a sign-in through an identity provider (driven against a real one in oidc.api.test.ts); its entries hold ids and role codes',
  'POST /api/v1/sso-identities/{id}/link': 'as for assign: needs a sign-in through a real identity provider; its entry holds the user and provider ids',
  'DELETE /api/v1/sso-identities/{id}': 'as for assign: needs a sign-in through a real identity provider; its entry holds ids',
  'POST /api/v1/reminders/{id}/read': 'a reminder is made by the reminder sweep, not by a request; marking it read records only its id',
  'POST /api/v1/action-plan/reminders/{id}/read': 'an action plan reminder is made by the reminder sweep, not by a request (driven in action-plan.api.test.ts); marking it read records only its id',
  'POST /api/v1/admin/channels/secrets/{name}': 'no body: the secret is made by the server, and this server holds both secrets in its environment (409); driven in channels.api.test.ts, which checks that no secret reaches the log',
  'POST /api/v1/justice/cases/{id}/defendants/{defendantId}/verdicts': 'a verdict needs the case indicted and in court, and charges on the defendant, in the order of procedure (driven in justice.api.test.ts); its entry holds ids, codes and days',
  'POST /api/v1/justice/cases/{id}/defendants/{defendantId}/sentences': 'a sentence needs a conviction first (driven in justice.api.test.ts); its entry holds ids, codes, terms and days; its free text (ground, act) is withheld by the writer',
  'PATCH /api/v1/justice/cases/{id}/defendants/{defendantId}/verdicts/{verdictId}': 'a verdict to correct needs one recorded, which is excused above (driven in justice/corrections.api.test.ts); its entry holds ids, codes and days',
  'PATCH /api/v1/justice/cases/{id}/defendants/{defendantId}/sentences/{sentenceId}': 'a sentence to correct needs one recorded, which is excused above (driven in justice/corrections.api.test.ts); its entry holds ids, codes, terms and days; its free text (ground, act) is withheld by the writer',
  'POST /api/v1/justice/import': 'its body is CSV of court decisions matched to existing cases and defendants (driven in justice/import.api.test.ts); its entry holds row counts',
  'POST /api/v1/demo/simulate-contact': 'demo mode only (404 here); its body is a code; driven in demo/hotline-demo.api.test.ts',
  'POST /api/v1/statistics/releases': 'a period with no records is refused (400 no_data) and this database holds none; driven in statistics/statistics.api.test.ts, which checks that the title never reaches the log (its entry holds the period, version, threshold and counts)',
  'POST /api/v1/statistics/releases/{id}/approve': 'needs a release prepared by another person (driven in statistics/statistics.api.test.ts); no body; its entry holds the series and version',
  'PATCH /api/v1/action-plan/goals/{id}': 'needs a goal of a plan (driven in action-plan/action-plan.api.test.ts); its entry holds the goal id and the names of the fields changed, never the title',
  'POST /api/v1/statistics/releases/{id}/withdraw': 'needs an approved release (driven in statistics/statistics.api.test.ts, which checks that the reason never reaches the log: its entry holds the series, version, former status and reason_given)',
};
type Ctx = { app: TestApp['app']; ids: Map<string, string>; marker: () => string };
const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(64, 1)]);
/**
 * Where a generated body cannot pass a rule the schema does not show (either-or fields, codes from a
 * catalogue, a second record to act on), the generated body is adjusted here: every other text
 * field still carries its marker.
 */
const ADJUST: Record<string, (b: Record<string, unknown>, c: Ctx) => void | Promise<void>> = {
  'POST /api/v1/cases': (b) => {
    // A case of its own (a random contact id names no contact); its victim with a name full of
    // markers, and a date of birth without a birth year that could contradict it.
    delete b.contactId;
    if (b.victim && typeof b.victim === 'object') delete (b.victim as Record<string, unknown>).birthYear;
  },
  'PATCH /api/v1/roles/{code}': async (b, c) => {
    // Keep the role's permissions as they are: the point is the entry, not a changed role.
    const roles = (await c.app.inject({ method: 'GET', url: '/api/v1/roles', headers: { cookie: sessions[0]!.cookie } })).json() as { items?: { code: string; permissions: string[] }[] } | { code: string; permissions: string[] }[];
    const list = Array.isArray(roles) ? roles : (roles.items ?? []);
    b.permissions = list.find((r) => r.code === 'analyst')?.permissions ?? [];
  },
  // This server's hotline agency and secrets come from its environment (read-only on the Channels screen).
  'PUT /api/v1/admin/channels': (b) => {
    for (const k of ['agencyId', 'twilioAuthToken', 'telegramBotToken', 'telegramSecret', 'webhookSecret']) delete b[k];
    b.twilioAccountSid = `AC${'ab'.repeat(16)}`;
  },
  // Criminal cases: articles from the statute list, days in the order of procedure.
  'POST /api/v1/justice/cases': (b) => {
    Object.assign(b, { body: 'police', articles: ['144-1.1'], openedOn: '2025-01-10', nrmCaseIds: [], forms: ['sexual'] });
    delete b.prosecutorAgencyId;
    delete b.complicityAgencyType;
  },
  'PATCH /api/v1/justice/cases/{id}': async (b, c) => {
    const res = await c.app.inject({ method: 'GET', url: `/api/v1/justice/cases/${c.ids.get('/api/v1/justice/cases')}`, headers: { cookie: sessions[0]!.cookie } });
    b.version = (res.json() as { version: number }).version;
    b.articles = ['144-1.1'];
    for (const k of ['ownerUserId', 'investigationExtendedUntil', 'complicityAgencyType', 'forms']) delete b[k];
  },
  // Shared with a prosecutor's office (only a prosecution or court agency can be given a criminal case).
  'POST /api/v1/justice/cases/{id}/share': async (b, c) => {
    const res = await c.app.inject({ method: 'POST', url: '/api/v1/agencies', headers: { ...sessions[0]!.headers, 'content-type': 'application/json' }, payload: { name: `Prosecutor's office ${crypto.randomUUID()}`, type: 'prosecution' } });
    b.agencyId = (res.json() as { id: string }).id;
  },
  'POST /api/v1/justice/cases/{id}/events': (b) => {
    Object.assign(b, { type: 'suspended', occurredOn: '2025-02-01' });
    for (const k of ['defendantId', 'ground', 'appealBy', 'courtAgencyId']) delete b[k];
  },
  'POST /api/v1/justice/cases/{id}/defendants': (b) => {
    delete b.personId;
    delete b.person;
    delete b.officialAgencyType;
    b.identifiedOn = '2025-01-20';
  },
  'POST /api/v1/justice/cases/{id}/defendants/{defendantId}/charges': (b) => void Object.assign(b, { article: '144-1.1', broughtOn: '2025-02-10' }),
  'POST /api/v1/justice/cases/{id}/victims': (b) => {
    for (const k of ['nrmCaseId', 'personId']) delete b[k];
    Object.assign(b, { sex: 'female', ageGroup: 'adult', nationality: 'AZE' });
  },
  'POST /api/v1/justice/cases/{id}/cooperation': (b) => void Object.assign(b, { requestedOn: '2025-03-01', outcome: 'pending', outcomeOn: null }),
  // Corrections: a day in the order of procedure, the fields each kind of event has.
  'PATCH /api/v1/justice/cases/{id}/events/{eventId}': (b) => {
    for (const k of ['ground', 'appealBy']) delete b[k];
    b.occurredOn = '2025-02-02';
  },
  'PATCH /api/v1/justice/cases/{id}/victims/{victimId}': (b) => void Object.assign(b, { compensationOrdered: 100, compensationPaid: 50 }),
  'PATCH /api/v1/justice/cases/{id}/cooperation/{requestId}': (b) => void Object.assign(b, { outcome: 'granted', outcomeOn: '2025-04-01' }),
  'POST /api/v1/screenings/evaluate': (b) => void (b.indicators = []),
  'POST /api/v1/contacts/{id}/screenings': (b) => void (b.indicators = []),
  'POST /api/v1/cases/{id}/screenings': (b) => void (b.indicators = []),
  // The action plan: an adopted plan with a measure the user's agency is responsible for, reported on.
  'POST /api/v1/action-plan/plans': (b) => {
    Object.assign(b, { status: 'adopted', startYear: 2025, endYear: 2026 });
    delete b.predecessorId;
  },
  'PATCH /api/v1/action-plan/plans/{id}': async (b, c) => {
    const res = await c.app.inject({ method: 'GET', url: `/api/v1/action-plan/plans/${c.ids.get('/api/v1/action-plan/plans')}`, headers: { cookie: sessions[0]!.cookie } });
    Object.assign(b, { version: (res.json() as { plan: { version: number } }).plan.version, status: 'adopted', startYear: 2025, endYear: 2026 });
    delete b.predecessorId;
  },
  'POST /api/v1/action-plan/plans/{id}/goals': (b) => void (b.number = '1'),
  'POST /api/v1/action-plan/plans/{id}/measures': (b) => {
    b.number = `1.${markers}`;
    delete b.goalId;
    Object.assign(b, { responsibleAgencyId: userA.agencyId, coResponsibleAgencyIds: [userB.agencyId] });
    // Indicators linked to a figure of the national statistics (a table and codes: no free text to mark).
    for (const i of (b.indicators as Record<string, unknown>[] | undefined) ?? []) Object.assign(i, { unit: 'count', statisticsTable: 'nrm-victims-status-sex-age', statisticsKey: { sex: 'female' } });
  },
  'PATCH /api/v1/action-plan/indicators/{id}': async (b, c) => {
    const ind = await t.db.selectFrom('actionPlanIndicators').select(['measureId']).orderBy('id').executeTakeFirstOrThrow();
    const res = await c.app.inject({ method: 'GET', url: `/api/v1/action-plan/measures/${ind.measureId}`, headers: { cookie: sessions[0]!.cookie } });
    Object.assign(b, { version: (res.json() as { version: number }).version, unit: 'count', statisticsTable: 'nrm-victims-status-sex-age', statisticsKey: { status: 'identified' } });
  },
  // A year of population whose women and men make up its total (a marker as its source).
  'PUT /api/v1/nrm/country-profile': (b) => {
    b.population = ((b.population as Record<string, unknown>[] | undefined) ?? [{ source: marker() }]).slice(0, 1).map((y) => ({ ...y, year: 2025, total: 1000, female: 500, male: 500, children: 200 }));
    b.disclosure = { dashboardThreshold: 3, openDataThreshold: 5, openDataRounding: null };
  },
  'PATCH /api/v1/action-plan/measures/{id}': async (b, c) => {
    const res = await c.app.inject({ method: 'GET', url: `/api/v1/action-plan/measures/${c.ids.get('/api/v1/action-plan/plans/{id}/measures')}`, headers: { cookie: sessions[0]!.cookie } });
    Object.assign(b, { version: (res.json() as { version: number }).version, responsibleAgencyId: userA.agencyId, coResponsibleAgencyIds: [userB.agencyId], deadline: { kind: 'year', year: 2026 } });
    delete b.goalId;
  },
  'POST /api/v1/action-plan/reports': (b, c) => {
    delete b.actionItemId;
    Object.assign(b, { measureId: c.ids.get('/api/v1/action-plan/plans/{id}/measures'), period: 2025, indicatorValues: [] });
  },
  'PUT /api/v1/action-plan/reports/{id}': async (b, c) => {
    const res = await c.app.inject({ method: 'GET', url: `/api/v1/action-plan/reports/${c.ids.get('/api/v1/action-plan/reports')}`, headers: { cookie: sessions[0]!.cookie } });
    Object.assign(b, { version: (res.json() as { version: number }).version, indicatorValues: [] });
  },
  // Sent back (with a marker as the reason), so that evidence can still be added to it.
  'POST /api/v1/action-plan/reports/{id}/review': async (b, c) => {
    const res = await c.app.inject({ method: 'GET', url: `/api/v1/action-plan/reports/${c.ids.get('/api/v1/action-plan/reports')}`, headers: { cookie: sessions[0]!.cookie } });
    Object.assign(b, { version: (res.json() as { version: number }).version, decision: 'return', reason: c.marker() });
  },
  'POST /api/v1/action-plan/meetings': (b) => {
    b.heldOn = '2026-01-10';
    delete b.planId;
    for (const a of (b.agencies as Record<string, unknown>[] | undefined) ?? []) a.agencyId = userB.agencyId;
    for (const i of (b.actionItems as Record<string, unknown>[] | undefined) ?? []) Object.assign(i, { agencyId: userA.agencyId, dueOn: '2026-02-01' });
  },
  'PUT /api/v1/contacts/{id}/form': (b) => void (b.callbackConsent = true),
  'POST /api/v1/cases/{id}/contacts': async (b, c) => {
    const res = await c.app.inject({ method: 'POST', url: '/api/v1/contacts', headers: sessions[0]!.headers, payload: { channel: 'call' } });
    b.contactId = (res.json() as { id: string }).id;
  },
  'POST /api/v1/cases/{id}/people': (b, c) => {
    delete b.person;
    b.personId = c.ids.get('/api/v1/people');
  },
  'POST /api/v1/cases/{id}/consents': (b, c) => void Object.assign(b, { kind: 'data_sharing', agencyId: userB.agencyId, purpose: 'services', personId: c.ids.get('/api/v1/people') }),
  'POST /api/v1/cases/{id}/best-interests': (b, c) => void (b.personId = c.ids.get('/api/v1/people')),
  'POST /api/v1/cases/{id}/people/{casePersonId}/return': (b, c) => void (b.assessmentId = c.ids.get('/api/v1/cases/{id}/best-interests')),
  'POST /api/v1/cases/{id}/referrals': (b) => {
    delete b.providerId;
    b.toAgencyId = userB.agencyId;
    // The case is referred to the same agency many times here; each is confirmed (else 409 duplicate_referral).
    b.confirmDuplicate = true;
  },
  'POST /api/v1/referrals/{id}/assign': (b) => void (b.handlerUserId = userB.id),
  'POST /api/v1/cases/{id}/identification/decisions': async (b, c) => {
    delete b.referralId;
    delete b.reconsiders;
    b.personId = c.ids.get('/api/v1/people');
    // Today where the installation is (Asia/Baku by default), not in UTC.
    b.decidedOn = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Baku' }).format(new Date());
    // The decision is the identifying agency's, on a referral for identification it accepted.
    const referral = await make('POST /api/v1/cases/{id}/referrals', `/api/v1/cases/${c.ids.get('/api/v1/cases')}/referrals`, { purpose: 'identification', sections: ['summary', 'people', 'events', 'screening', 'identification'] });
    await make('POST /api/v1/referrals/{id}/accept', `/api/v1/referrals/${referral}/accept`, {}, sessions[1]);
  },
  'POST /api/v1/press/incidents/{id}/links': async (b) => {
    b.relatedId = await make('POST /api/v1/press/incidents', '/api/v1/press/incidents');
  },
  'POST /api/v1/cases/{id}/permits': (b, c) => {
    delete b.renews;
    Object.assign(b, { personId: c.ids.get('/api/v1/people'), issuedOn: '2026-01-15', expiresOn: '2027-01-15' });
  },
  'POST /api/v1/cases/{id}/tasks/{taskId}/reassign': (b) => void (b.assignedUserId = userC.id),
  'POST /api/v1/cases/{id}/reassign': (b) => void (b.ownerUserId = userC.id),
  'POST /api/v1/contacts/{id}/reassign': (b) => void (b.userId = userC.id),
  'POST /api/v1/imports/htcds': (b) => {
    b.identifying = true;
    for (const r of (b.records as Record<string, unknown>[] | undefined) ?? []) {
      r.pw_Country = 'AZ';
      r.consents = [];
      for (const person of (r.persons as Record<string, unknown>[] | undefined) ?? []) delete person.pw_Aliases;
      for (const e of (r.events as Record<string, unknown>[] | undefined) ?? []) e.hte_Country = 'AZ';
    }
  },
  'POST /api/v1/press/incidents': (b) => {
    b.occurred = '2025-05-01';
    delete b.disputed;
    // Acts name journalists and outlets recorded first; they are added through their own route below.
    delete b.acts;
    for (const l of (b.legalCases as Record<string, unknown>[] | undefined) ?? []) for (const m of (l.milestones as Record<string, unknown>[] | undefined) ?? []) m.occurred = '2025-06-01';
  },
  'POST /api/v1/press/persons/{id}/affiliations': async (b, c) => {
    const res = await c.app.inject({ method: 'POST', url: '/api/v1/press/outlets', headers: sessions[0]!.headers, payload: { name: c.marker() } });
    b.outletId = (res.json() as { id: string }).id;
  },
  // The honeypot: a report that fills it is taken for a bot's and dropped.
  'POST /api/public/hotline/reports': (b) => void delete b.website,
  'POST /api/public/hotline/follow-up': (b) => void (b.code = followUpCode),
  'POST /api/v1/telephony/telegram': (b, c) => {
    const user = 424242;
    b.message = {
      message_id: 7, date: Math.floor(Date.now() / 1000), chat: { id: user, type: 'private' },
      from: { id: user, is_bot: false, first_name: c.marker(), last_name: c.marker(), username: c.marker(), language_code: 'ru' }, text: `${c.marker()} ${c.marker()}`,
    };
  },
  'POST /api/public/hotline/follow-up/messages': (b) => {
    b.code = followUpCode;
    delete b.website;
  },
  'POST /api/v1/auth/password': (b) => void Object.assign(b, { currentPassword: PASSWORD, newPassword: NEW_PASSWORD }),
  'POST /api/v1/me/totp/setup': (b) => void (b.password = PASSWORD),
  // A provider Pathway never calls at creation (discovery happens at the first sign-in), placed by an administrator.
  'POST /api/v1/identity-providers': (b) => void Object.assign(b, SSO_PROVIDER),
  'PATCH /api/v1/identity-providers/{id}': (b) => void Object.assign(b, SSO_PROVIDER),
  'POST /api/v1/people/{id}/merge': async (b, c) => {
    const res = await c.app.inject({ method: 'POST', url: '/api/v1/people', headers: sessions[0]!.headers, payload: { name: { givenName: c.marker(), familyName: c.marker() } } });
    b.intoId = (res.json() as { id: string }).id;
  },
};
/** Routes driven on a record of their own, where the shared one has moved past the state they need. */
const URL_OF: Record<string, () => Promise<string | undefined>> = {
  // Each on an event or victim of its own: the shared event may have been withdrawn already.
  'PATCH /api/v1/justice/cases/{id}/events/{eventId}': async () => {
    const caseId = ids.get('/api/v1/justice/cases');
    return caseId && `/api/v1/justice/cases/${caseId}/events/${await make('POST /api/v1/justice/cases/{id}/events', `/api/v1/justice/cases/${caseId}/events`)}`;
  },
  'POST /api/v1/justice/cases/{id}/events/{eventId}/withdraw': async () => {
    const caseId = ids.get('/api/v1/justice/cases');
    return caseId && `/api/v1/justice/cases/${caseId}/events/${await make('POST /api/v1/justice/cases/{id}/events', `/api/v1/justice/cases/${caseId}/events`)}/withdraw`;
  },
  'PATCH /api/v1/justice/cases/{id}/victims/{victimId}': async () => {
    const caseId = ids.get('/api/v1/justice/cases');
    if (!caseId) return undefined;
    const res = await t.app.inject({ method: 'POST', url: `/api/v1/justice/cases/${caseId}/victims`, headers: sessions[0]!.headers, payload: { sex: 'female', ageGroup: 'adult' } });
    return `/api/v1/justice/cases/${caseId}/victims/${(res.json() as { ids: string[] }).ids[0]}`;
  },
  'POST /api/v1/users/{id}/tokens': async () => `/api/v1/users/${serviceAccount.id}/tokens`,
  'DELETE /api/v1/users/{id}/tokens/{tokenId}': async () => ids.get('/api/v1/users/{id}/tokens') && `/api/v1/users/${serviceAccount.id}/tokens/${ids.get('/api/v1/users/{id}/tokens')}`,
  'POST /api/v1/contacts/{id}/reassign': async () => `/api/v1/contacts/${await make('POST /api/v1/contacts', '/api/v1/contacts')}/reassign`,
  'POST /api/v1/referrals/{id}/decline': async () => `/api/v1/referrals/${await make('POST /api/v1/cases/{id}/referrals', `/api/v1/cases/${ids.get('/api/v1/cases')}/referrals`)}/decline`,
  'POST /api/v1/referrals/{id}/sections': async () => `/api/v1/referrals/${await make('POST /api/v1/cases/{id}/referrals', `/api/v1/cases/${ids.get('/api/v1/cases')}/referrals`, { purpose: 'services', sections: ['summary'] })}/sections`,
  // An accepted identification referral that lacks sections (as before they were required).
  'POST /api/v1/referrals/{id}/ask-sections': async () => {
    const referral = await make('POST /api/v1/cases/{id}/referrals', `/api/v1/cases/${ids.get('/api/v1/cases')}/referrals`, { purpose: 'identification', sections: ['summary', 'people', 'events', 'screening', 'identification'] });
    await t.db.updateTable('referrals').set({ sectionsRequested: ['summary'], sectionsShared: ['summary'] }).where('id', '=', referral).execute();
    await make('POST /api/v1/referrals/{id}/accept', `/api/v1/referrals/${referral}/accept`, {}, sessions[1]);
    return `/api/v1/referrals/${referral}/ask-sections`;
  },
  'POST /api/v1/referrals/{id}/assign': async () => `/api/v1/referrals/${await make('POST /api/v1/cases/{id}/referrals', `/api/v1/cases/${ids.get('/api/v1/cases')}/referrals`)}/assign`,
  'POST /api/v1/cases/{id}/tasks/{taskId}/reassign': async () => {
    const caseId = ids.get('/api/v1/cases');
    return `/api/v1/cases/${caseId}/tasks/${await make('POST /api/v1/cases/{id}/tasks', `/api/v1/cases/${caseId}/tasks`)}/reassign`;
  },
  'PATCH /api/v1/action-plan/indicators/{id}': async () => {
    const ind = await t.db.selectFrom('actionPlanIndicators').select(['id']).orderBy('id').executeTakeFirst();
    return ind && `/api/v1/action-plan/indicators/${ind.id}`;
  },
  // A measure and an action item of their own: dropping the shared ones would stop the reports on them.
  'POST /api/v1/action-plan/measures/{id}/drop': async () => {
    const plan = ids.get('/api/v1/action-plan/plans');
    return plan && `/api/v1/action-plan/measures/${await make('POST /api/v1/action-plan/plans/{id}/measures', `/api/v1/action-plan/plans/${plan}/measures`)}/drop`;
  },
  'POST /api/v1/action-plan/action-items/{id}/drop': async () => {
    const item = await t.db.selectFrom('actionPlanActionItems').select('id').where('droppedAt', 'is', null).orderBy('createdAt', 'desc').executeTakeFirst();
    return item && `/api/v1/action-plan/action-items/${item.id}/drop`;
  },
  // A web form contact (the public report's) can be answered in writing.
  'POST /api/v1/contacts/{id}/replies': async () => {
    const c = await t.db.selectFrom('contacts').select('id').where('channel', '=', 'web_form').orderBy('createdAt', 'desc').executeTakeFirst();
    return c && `/api/v1/contacts/${c.id}/replies`;
  },
};
let operations: Operation[];
let followUpCode = '';
let serviceAccount: { id: string };

/** Makes a record through an operation's generated and adjusted body (with `extra` over it); its id. */
async function make(key: string, url: string, extra: Record<string, unknown> = {}, s: Session = sessions[0]!): Promise<string> {
  const op = operations.find((o) => `${o.method} ${o.path}` === key)!;
  const body = (op.body ? gen(op.body, '', op.path) : {}) as Record<string, unknown>;
  await ADJUST[key]?.(body, { app: t.app, ids, marker });
  Object.assign(body, extra);
  const res = await t.app.inject({ method: op.method as 'POST', url, headers: { ...s.headers, 'content-type': 'application/json' }, payload: JSON.stringify(body) });
  if (res.statusCode >= 300) throw new Error(`${key}: ${res.statusCode} ${res.body}`);
  return (res.json() as { id: string }).id;
}
const NEW_PASSWORD = `${marker()} Horse Battery 9`;
/** Operations whose body is not JSON: the request is built here, with markers in the file name and content. */
const twilio = (url: string, params: Record<string, string>) => {
  const signed = `${PUBLIC_URL}${url}${Object.keys(params).sort().map((k) => `${k}${params[k]}`).join('')}`;
  return {
    url,
    contentType: 'application/x-www-form-urlencoded',
    payload: new URLSearchParams(params).toString(),
    headers: { 'x-twilio-signature': crypto.createHmac('sha1', TWILIO_TOKEN).update(Buffer.from(signed, 'utf-8')).digest('base64') },
  };
};
const CALL_SID = `CA${'7'.repeat(32)}`;
const RAW: Record<string, (url: string, c: Ctx) => { url: string; contentType: string; payload: string | Buffer; headers?: Record<string, string> }> = {
  'POST /api/v1/telephony/twilio/voice': (url) => twilio(url, { CallSid: CALL_SID, From: '+994501234567', To: '+994124000152', CallStatus: 'ringing' }),
  'POST /api/v1/telephony/twilio/status': (url) => twilio(url, { CallSid: CALL_SID, CallStatus: 'completed' }),
  'POST /api/v1/telephony/twilio/messaging': (url, c) => twilio(url, { MessageSid: `SM${'8'.repeat(32)}`, From: '+994501234568', To: '+994124000152', Body: `${c.marker()} ${c.marker()}`, NumMedia: '0' }),
  'POST /api/v1/cases/{id}/documents': (url, c) => ({ url: `${url}?name=${c.marker()}.pdf&kind=other`, contentType: 'application/pdf', payload: PDF }),
  'POST /api/v1/action-plan/reports/{id}/documents': (url, c) => ({ url: `${url}?name=${c.marker()}.pdf`, contentType: 'application/pdf', payload: PDF }),
  'POST /api/v1/action-plan/plans/{id}/import': (url, c) => ({
    url: `${url}?dryRun=false`,
    contentType: 'text/csv',
    payload: ['goal,goalTitle,number,text,responsible,coResponsible,deadline,expectedResult,indicator,unit,baseline,target', `7,${c.marker()},7.1,${c.marker()},Hotline,,2026,${c.marker()},${c.marker()},count,0,5`].join('\n'),
  }),
  'POST /api/v1/press/sources/{id}/file': (url, c) => ({ url: `${url}?name=${c.marker()}.pdf`, contentType: 'application/pdf', payload: PDF }),
  'POST /api/v1/press/import': (url, c) => ({
    url,
    contentType: 'text/csv',
    payload: [
      'externalRef,title,date,disputedDate,city,placeExact,victimName,victimAliases,outletName,actType,outcome,perpetratorCategory,perpetratorDegree,perpetratorAttribution,sourceTitle,sourceUrl',
      `${c.marker()},${c.marker()},2005-03-02,,${c.marker()},${c.marker()},${c.marker()} ${c.marker()},${c.marker()},${c.marker()},killing,killed,unknown,direct_perpetrator,named_by_authorities,${c.marker()},https://example.org/${c.marker()}`,
    ].join('\n'),
  }),
};
const WEBHOOK_SECRET = 'audit-markers-webhook-secret';
const TELEGRAM_SECRET = 'audit-markers-telegram_0123456789';
const TWILIO_TOKEN = 'audit-markers-twilio-token';
const PUBLIC_URL = 'https://hotline.example.org';
/** Signed webhooks: the signature over the exact body sent, as the provider would make it. */
const SIGN: Record<string, (raw: string) => Record<string, string>> = {
  'POST /api/v1/telephony/webhook': (raw) => {
    const at = Math.floor(Date.now() / 1000);
    return { 'x-pathway-signature': `t=${at},v1=${crypto.createHmac('sha256', WEBHOOK_SECRET).update(`${at}.${raw}`).digest('hex')}` };
  },
  'POST /api/v1/telephony/telegram': () => ({ 'x-telegram-bot-api-secret-token': TELEGRAM_SECRET }),
};
/** Routes whose refusal is itself audited (a failed sign-in): answered below 500 counts as driven. */
const ANY_ANSWER = new Set(['POST /api/v1/auth/login']);
/** Run last, in this order: they end sessions, change passwords or hide records. */
const LAST = [
  'DELETE /api/v1/people/{id}/names/{nameId}',
  'POST /api/v1/people/{id}/merge',
  'POST /api/v1/cases/{id}/consents/{consentId}/withdraw',
  'POST /api/v1/referrals/{id}/revoke',
  'POST /api/v1/cases/{id}/access-end',
  'POST /api/v1/users/{id}/reset-password',
  'POST /api/v1/auth/password',
  'POST /api/v1/auth/logout-everywhere',
  'POST /api/v1/auth/logout',
];

let t: TestApp;
let sessions: Session[];
let userA: { id: string; agencyId: string; email: string };
let userB: { id: string; agencyId: string; email: string };
let userC: { id: string };
const ids = new Map<string, string>();
const outcomes = new Map<string, number[]>();
const lastAnswer = new Map<string, string>();
const trace: string[] = [];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Values to try where a pattern refuses a marker. */
const CANDIDATES = ['2025-05-01', 'AZ', 'AZE', '+994501234567', 'NRM-2026-000001', 'az', 'en', 'Asia/Baku', '12:00', 'a1b2c3', 'ab'];

function idFor(name: string, path: string): string | undefined {
  const base = name.replace(/Ids?$/, '');
  if (/agency/i.test(base)) return /receiver|to|grantee|alerted/i.test(base) ? userB.agencyId : userA.agencyId;
  if (/user|handler|owner|assigned/i.test(base)) return userA.id;
  if (base === 'person' && path.startsWith('/api/v1/press')) return ids.get('/api/v1/press/persons');
  const known: Record<string, string> = {
    person: '/api/v1/people', case: '/api/v1/cases', contact: '/api/v1/contacts', provider: '/api/v1/providers',
    outlet: '/api/v1/press/outlets', incident: '/api/v1/press/incidents', into: '/api/v1/people', exclude: '/api/v1/people',
  };
  return known[base] ? ids.get(known[base]) : ids.get(`key:${name}`);
}

function gen(s: Schema, name: string, path: string, depth = 0): unknown {
  if (depth > 6) return undefined;
  const options = s.anyOf ?? s.oneOf;
  if (options) {
    const pick = options.find((o) => o.type !== 'null') ?? options[0]!;
    return gen(pick, name, path, depth + 1);
  }
  if (s.allOf) return gen(s.allOf[0]!, name, path, depth + 1);
  if (s.const !== undefined) return s.const;
  if (s.enum) return s.enum[0];
  const type = (Array.isArray(s.type) ? s.type.find((x) => x !== 'null') : s.type) ?? 'object';
  switch (type) {
    case 'string': {
      if (s.format === 'uuid') return idFor(name, path) ?? userA.agencyId;
      if (s.format === 'email') return `${marker()}@example.org`;
      if (s.format === 'date') return '2026-01-15';
      if (s.format === 'date-time') return new Date(Date.now() - 3600_000).toISOString();
      if (s.format === 'uri' || s.format === 'url') return `https://example.org/${marker()}`;
      const m = marker();
      const re = s.pattern ? new RegExp(s.pattern, 'u') : null;
      if ((!re || re.test(m)) && (s.maxLength ?? 1000) >= m.length) return m.padEnd(s.minLength ?? 0, 'q');
      return CANDIDATES.find((c) => (!re || re.test(c)) && c.length <= (s.maxLength ?? 1000) && c.length >= (s.minLength ?? 0)) ?? m;
    }
    case 'integer':
    case 'number':
      return Math.min(s.maximum ?? Infinity, s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : 1));
    case 'boolean':
      return typeof s.default === 'boolean' ? s.default : false;
    case 'array': {
      const item = s.items ? gen(s.items, name, path, depth + 1) : marker();
      return item === undefined ? [] : Array.from({ length: Math.max(1, s.minItems ?? 1) }, (_, i) => (i === 0 ? item : gen(s.items!, name, path, depth + 1)));
    }
    case 'object':
    default: {
      if (!s.properties) return type === 'object' ? {} : marker();
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(s.properties)) {
        const value = gen(v, k, path, depth + 1);
        if (value !== undefined) out[k] = value;
      }
      return out;
    }
  }
}

/** The path with each parameter filled from the ids made so far, or null if one is unknown. */
function fill(path: string): string | null {
  let out = '';
  const parts = path.split('/');
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const param = /^\{(\w+)\}$/.exec(part)?.[1];
    if (!param) {
      out += (i ? '/' : '') + part;
      continue;
    }
    const prefix = parts.slice(0, i).join('/');
    const value = param === 'code' ? 'analyst' : (ids.get(prefix) ?? ids.get(`key:${param}`) ?? ids.get(`seg:${parts[i - 1]}`));
    if (!value) return null;
    out += `/${value}`;
  }
  return out;
}

function harvest(path: string, url: string, body: unknown, depth = 0) {
  if (body === null || typeof body !== 'object' || depth > 3) return;
  const o = body as Record<string, unknown>;
  // A route that answers with its parent record (an incident with its new involvement): the items are found in its lists.
  if (depth === 0) {
    for (const [k, v] of Object.entries(o)) {
      const last = Array.isArray(v) ? (v.at(-1) as { id?: unknown } | undefined) : undefined;
      if (last && typeof last.id === 'string') ids.set(`seg:${k.replace(/[A-Z]/g, (ch) => `-${ch.toLowerCase()}`)}`, last.id);
    }
  }
  const own = depth === 0 ? (typeof o.id === 'string' ? o.id : Object.values(o).map((v) => (v && typeof v === 'object' ? (v as { id?: unknown }).id : undefined)).find((v) => typeof v === 'string')) : undefined;
  if (own && UUID.test(own) && !url.includes(own)) {
    ids.set(path, own);
    ids.set(`seg:${path.split('/').at(-1)}`, own);
  }
  for (const [k, v] of Object.entries(o)) {
    if (typeof v === 'string' && UUID.test(v) && k !== 'id') ids.set(`key:${k}`, v);
    else if (typeof v === 'object') harvest(path, url, v, depth + 1);
  }
}

/** Gives the field an error names the next candidate value, or drops it when none is left. */
function repair(body: unknown, field: string, tried: Map<string, number>): boolean {
  const keys = field.replace(/\[(\d+)\]/g, '.$1').split('.');
  let at = body as Record<string, unknown> | undefined;
  for (const k of keys.slice(0, -1)) at = at?.[k] as Record<string, unknown> | undefined;
  const last = keys.at(-1)!;
  if (at && typeof at === 'object' && typeof at[last] === 'string') {
    const n = tried.get(field) ?? 0;
    if (n < CANDIDATES.length) {
      tried.set(field, n + 1);
      at[last] = CANDIDATES[n];
      return true;
    }
  }
  return drop(body, keys.join('.'));
}

/** Drops the field an error names (`a.b.0.c`), so the next try goes without it. */
function drop(body: unknown, field: string): boolean {
  const keys = field.split('.');
  let at = body as Record<string, unknown> | undefined;
  for (const k of keys.slice(0, -1)) at = at?.[k] as Record<string, unknown> | undefined;
  const last = keys.at(-1)!;
  if (!at || typeof at !== 'object' || !(last in at)) return false;
  if (Array.isArray(at)) at.splice(Number(last), 1);
  else delete at[last];
  return true;
}

async function drive(op: Operation): Promise<void> {
  const key = `${op.method} ${op.path}`;
  // A record a route needs may not be makeable yet in the first pass: the second tries again.
  const url = URL_OF[key] ? await URL_OF[key]().catch(() => undefined) : fill(op.path);
  if (!url) return;
  const ctx: Ctx = { app: t.app, ids, marker };
  for (const s of sessions) {
    const body = op.body && !RAW[key] ? gen(op.body, '', op.path) : undefined;
    if (body && typeof body === 'object' && !(await Promise.resolve(ADJUST[key]?.(body as Record<string, unknown>, ctx)).then(() => true, () => false))) return;
    const raw = RAW[key]?.(url, ctx);
    const tried = new Map<string, number>();
    for (let attempt = 0; attempt < 24; attempt++) {
      const json = body !== undefined ? JSON.stringify(body) : undefined;
      const res = await t.app.inject({
        method: op.method as 'POST',
        url: raw?.url ?? url,
        headers: { ...s.headers, ...(raw ? { 'content-type': raw.contentType, ...raw.headers } : json !== undefined ? { 'content-type': 'application/json', ...SIGN[key]?.(json) } : {}) },
        ...(raw ? { payload: raw.payload } : json !== undefined ? { payload: json } : {}),
      });
      outcomes.set(key, [...(outcomes.get(key) ?? []), res.statusCode]);
      lastAnswer.set(key, `${JSON.stringify(body)} -> ${res.body.slice(0, 300)}`);
      if (process.env.AUDIT_MARKERS_DEBUG) trace.push(`${op.method} ${url} ${res.statusCode} ${res.body.slice(0, 200)}`);
      expect(res.statusCode, `${key}: ${res.body}`).toBeLessThan(500);
      if (res.statusCode < 300) {
        if (res.body && String(res.headers['content-type']).includes('json')) harvest(op.path, url, JSON.parse(res.body));
        if (key === 'POST /api/public/hotline/reports') followUpCode = (res.json() as { code: string }).code;
        // A changed password ends the other sessions: sign in again with the new one.
        if (key === 'POST /api/v1/auth/password') sessions[0] = await signIn(t.app, userA.email, NEW_PASSWORD);
        return;
      }
      if (res.statusCode !== 400) break;
      const fields = Object.keys((res.json() as { error?: { fields?: Record<string, string> } }).error?.fields ?? {});
      if (!fields.some((f) => repair(body, f, tried))) break;
    }
  }
}

beforeAll(async () => {
  const hotline = crypto.randomUUID();
  t = await createTestApp({ hotlineAgencyId: hotline, publicReportRatePerHour: 10_000, followUpRatePerMinute: 10_000, webhookSecret: WEBHOOK_SECRET,
    telegramSecret: TELEGRAM_SECRET, telegramBotToken: '123456:ABC-def', twilioAuthToken: TWILIO_TOKEN, publicUrl: PUBLIC_URL,
  });
  await t.db.insertInto('agencies').values({ id: hotline, name: 'Hotline', type: 'government' }).execute();
  const a = await makeUser(t.db, { roles: [...ROLES], agencyId: hotline });
  const b = await makeUser(t.db, { roles: [...ROLES], agencyId: (await makeAgency(t.db, { type: 'shelter' })).id });
  userA = a;
  userB = b;
  userC = await makeUser(t.db, { roles: ['case_worker', 'supervisor', 'operator'], agencyId: a.agencyId });
  serviceAccount = await makeUser(t.db, { agencyId: a.agencyId, isServiceAccount: true });
  sessions = [await signIn(t.app, a.email), await signIn(t.app, b.email)];
  const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as {
    paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: Schema }> } }>>;
  };
  operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops)
      .filter(([method]) => ['post', 'put', 'patch', 'delete'].includes(method))
      .map(([method, o]) => {
        const [contentType, media] = Object.entries(o.requestBody?.content ?? {})[0] ?? [];
        return { method: method.toUpperCase(), path, ...(media ? { body: media.schema, contentType } : {}) };
      }),
  );
}, 60_000);
afterAll(() => t.close());

async function auditText(): Promise<string> {
  const rows = await sql<{ row: string }>`SELECT row_to_json(a)::text AS row FROM audit_log a`.execute(t.db);
  return rows.rows.map((r) => r.row).join('\n');
}

describe('no value of a text field reaches the audit log, on any write path', () => {
  it('drives every write operation with markers, and the log holds none of them', async () => {
    const order = (op: Operation) => LAST.indexOf(`${op.method} ${op.path}`);
    const first = operations.filter((op) => order(op) < 0 && !EXCUSED[`${op.method} ${op.path}`]);
    // Twice: the second pass reaches routes whose records the first pass made later in the list.
    for (let pass = 0; pass < 2; pass++)
      for (const op of first) if (!(outcomes.get(`${op.method} ${op.path}`) ?? []).some((s) => s < 300)) await drive(op);

    // Audited reads, with a marker where they take text.
    const s = sessions[0]!;
    const reads = [
      `/api/v1/people/search?q=${marker()}`,
      `/api/v1/people/${ids.get('/api/v1/people')}`,
      `/api/v1/cases/${ids.get('/api/v1/cases')}`,
      `/api/v1/contacts/${ids.get('/api/v1/contacts')}`,
      `/api/v1/audit?name=${marker()}`,
      `/api/v1/cases/${ids.get('/api/v1/cases')}/documents/${ids.get('/api/v1/cases/{id}/documents')}/content`,
      `/api/v1/press/sources/${ids.get('seg:sources')}/file`,
    ];
    for (const url of reads) {
      const res = await t.app.inject({ method: 'GET', url, headers: { cookie: s.cookie } });
      expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
    }

    for (const op of LAST.map((k) => operations.find((o) => `${o.method} ${o.path}` === k)).filter((o) => o !== undefined)) await drive(op);

    const driven = (k: string) => (outcomes.get(k) ?? []).some((s) => s < 300 || (ANY_ANSWER.has(k) && s < 500));
    const uncovered = operations
      .map((op) => `${op.method} ${op.path}`)
      .filter((k) => !EXCUSED[k] && !driven(k))
      .map((k) => `${k} (answered ${(outcomes.get(k) ?? ['never']).join(',')}) ${process.env.AUDIT_MARKERS_DEBUG ? (lastAnswer.get(k) ?? '') : ''}`);
    if (process.env.AUDIT_MARKERS_DEBUG) (await import('node:fs')).writeFileSync('/tmp/audit-markers-trace.txt', trace.join('\n'));
    const log = await auditText();
    expect(log.length).toBeGreaterThan(1000);
    expect(markers).toBeGreaterThan(100);
    const leaks = log.split('\n').filter((row) => /qzxjv/i.test(row));
    expect(leaks, 'markers found in audit_log').toEqual([]);
    expect(log.toLowerCase()).not.toContain(MARK.toLowerCase());
    expect(uncovered, 'write operations the test could not drive: drive them here or excuse them with a reason').toEqual([]);
  }, 300_000);
});
