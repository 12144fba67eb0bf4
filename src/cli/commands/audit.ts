import { anchorAuditChains, verifyAuditChain, type AnchorNote, type ChainReport } from '../../server/audit/audit.ts';
import type { BrokenAt } from '../../server/audit/chains.ts';
import type { Db } from '../../server/db/database.ts';

/**
 * Anchors every chain's head, then walks every chain and the anchors and reports the first broken
 * entry; the anchor written first is the one to note down.
 */
export async function auditVerifyCommand(db: Db, note?: AnchorNote): Promise<ChainReport> {
  await anchorAuditChains(db);
  return verifyAuditChain(db, undefined, note);
}

export function describeChainReport(report: ChainReport): string {
  if (report.ok) {
    return report.checked === 0
      ? 'Audit log intact: it is empty.'
      : `Audit log intact: ${report.checked} ${report.checked === 1 ? 'entry' : 'entries'} checked in ${report.chains} ${report.chains === 1 ? 'chain' : 'chains'}.` +
          (report.anchor
            ? `\nNote this anchor outside the database and pass it next time (--anchor) to detect truncation or rewriting: a${report.anchor.id}:${report.anchor.hash}`
            : '');
  }
  const b = report.firstBroken;
  return `Audit log BROKEN at ${brokenAt(b)}: ${b.reason}. ${report.checked} earlier ${report.checked === 1 ? 'entry' : 'entries'} verified.`;
}

/** Where a check stopped, in words: an entry by its seq (and chain and position), a missing position, or an anchor. */
export function brokenAt(b: BrokenAt): string {
  if (b.anchor !== null) return `anchor a${b.anchor}`;
  if (b.seq !== null) return `entry seq ${b.seq}${b.chain ? ` (chain ${b.chain}, position ${b.pos})` : ''}`;
  return `chain ${b.chain}, position ${b.pos}`;
}
