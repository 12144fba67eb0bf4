import type { Principal } from '../../access/principal.ts';

/**
 * Who does what with the national action plan. The plans themselves are government documents: anyone
 * who works on them reads them whole. The coordinator's office (`action_plan:manage`) keeps plans,
 * measures and meetings, drops measures and reviews reports; analysts and auditors read everything
 * (`action_plan:read`); a body's focal point (`action_plan:report`) reports for its own agency on the
 * measures and action items it is responsible for, and reads only its own agency's reports.
 */
export const mayManage = (p: Principal) => p.permissions.has('action_plan:manage');
export const mayReadAll = (p: Principal) => mayManage(p) || p.permissions.has('action_plan:read');
export const mayReport = (p: Principal) => p.permissions.has('action_plan:report');
export const mayRead = (p: Principal) => mayReadAll(p) || mayReport(p);
/** Reports the principal may read: all of them, or their own agency's. */
export const mayReadReportOf = (p: Principal, agencyId: string) => mayReadAll(p) || (mayReport(p) && p.agencyId === agencyId);
