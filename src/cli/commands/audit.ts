import { verifyAuditChain, type ChainReport } from '../../server/audit/audit.ts';
import type { Db } from '../../server/db/database.ts';

/** Walks the whole audit log and reports the first entry whose hash, link or sequence is wrong. */
export async function auditVerifyCommand(db: Db): Promise<ChainReport> {
  return verifyAuditChain(db);
}

export function describeChainReport(report: ChainReport): string {
  if (report.ok) {
    return report.checked === 0
      ? 'Audit log intact: it is empty.'
      : `Audit log intact: ${report.checked} ${report.checked === 1 ? 'entry' : 'entries'} checked, the last is seq ${report.lastSeq}.`;
  }
  return (
    `Audit log BROKEN at entry seq ${report.firstBroken.seq}: ${report.firstBroken.reason}. ` +
    `${report.checked} earlier ${report.checked === 1 ? 'entry' : 'entries'} verified.`
  );
}
