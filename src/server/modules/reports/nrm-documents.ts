/**
 * The NRM's printed documents: the case summary, the identification decision letter to the victim
 * and the referral form. Each reads the case through the case page's own read (`getCase`: the same
 * access decision, the same redaction, the read audited under the document's own action), limited to
 * the sections the document prints; nothing here decides access itself.
 */
import type { Db } from '../../db/database.ts';
import type { AuditActor } from '../../audit/audit.ts';
import type { Principal } from '../../access/principal.ts';
import { AppError, badRequest, notFound } from '../../errors.ts';
import { LANGUAGES, type Language } from '../../../shared/schemas/common.ts';
import type { CaseDetail } from '../../../shared/schemas/cases.ts';
import type { ReferralView } from '../../../shared/schemas/referrals.ts';
import type { CaseSection } from '../../../shared/nrm.ts';
import { caseAccess } from '../cases/access.ts';
import { getCase } from '../case-file/page.ts';
import { getReferral } from '../referrals/service.ts';
import { hasText, textsIn } from '../../i18n.ts';
import { PdfWriter } from './pdf.ts';
import * as repo from './repository.ts';

export type Printing = { version: string; lang: Language; readerName: string; timeZone?: string };

/** A code's label in the document's language, or the code where the vocabulary has none. */
const label = (w: PdfWriter, group: string, code: string | null | undefined) => {
  if (code === null || code === undefined) return null;
  const key = `nrm.codes.${group}.${code}`;
  return hasText(w.lang, key) ? w.t(key) : code;
};

const sectionTitle = (w: PdfWriter, s: CaseSection) => label(w, 'section', s)!;

const personName = (p: NonNullable<CaseDetail['people']>[number]) => p.person.names?.[0]?.asEntered ?? null;

/** The case's sections as the reader may see them, in the case page's order. */
function writeCaseSections(w: PdfWriter, d: CaseDetail) {
  const t = w.t;
  const s = d.summary;
  if (s) {
    w.heading(sectionTitle(w, 'summary'), 2).keyValues([
      [t('reports.case.status'), label(w, 'caseStatus', s.status)],
      [t('reports.case.victimStatus'), label(w, 'victimStatus', s.victimStatus)],
      [t('reports.case.owner'), s.ownerAgencyName],
      [t('reports.case.region'), s.region],
      [t('reports.case.country'), s.country],
      [t('reports.case.forms'), s.exploitationForms.map((f) => label(w, 'exploitation', f)).join(', ')],
      [t('reports.case.openedAt'), w.day(s.openedAt)],
      [t('reports.case.closedAt'), s.closedAt ? w.day(s.closedAt) : null],
    ]);
  }
  if (d.people) {
    w.heading(sectionTitle(w, 'people'), 2);
    if (d.people.length === 0) w.paragraph(t('reports.pdf.none'), { muted: true });
    for (const cp of d.people) {
      w.keyValues([
        [t('reports.case.name'), personName(cp)],
        [t('reports.case.role'), label(w, 'personRole', cp.role)],
        [t('reports.case.sex'), label(w, 'sex', cp.person.sex)],
        [t('reports.case.birthYear'), cp.person.birthYear === null ? null : String(cp.person.birthYear)],
        [t('reports.case.citizenship'), cp.person.citizenship],
        [t('reports.case.child'), cp.child ? t('reports.pdf.yes') : null],
      ]);
    }
  }
  if (d.narrative !== undefined || d.notes) {
    w.heading(sectionTitle(w, 'notes'), 2);
    if (d.narrative) w.paragraph(d.narrative);
    for (const n of d.notes ?? []) if (n.body) w.paragraph(`${w.day(n.createdAt)} · ${n.createdByName}: ${n.body}`);
    if (!d.narrative && (d.notes ?? []).length === 0) w.paragraph(t('reports.pdf.none'), { muted: true });
  }
  if (d.events) {
    w.heading(sectionTitle(w, 'events'), 2).list(
      d.events.map((e) => [label(w, 'eventType', e.type), e.date, [e.city, e.region, e.country].filter(Boolean).join(', '), e.description].filter(Boolean).join(' · ')),
    );
  }
  if (d.screenings) {
    w.heading(sectionTitle(w, 'screening'), 2).list(
      d.screenings.map((x) => `${w.day(x.screenedAt)} · ${label(w, 'screeningList', x.list)} · ${t('reports.case.screeningResult')}: ${x.result.presumedVictim ? t('reports.pdf.yes') : t('reports.pdf.no')}`),
    );
  }
  if (d.consents) {
    w.heading(sectionTitle(w, 'consents'), 2).list(
      d.consents.map((c) => [label(w, 'consentKind', c.kind), c.agencyName, label(w, 'purpose', c.purpose), w.day(c.givenOn), c.withdrawnOn ? `✕ ${w.day(c.withdrawnOn)}` : null].filter(Boolean).join(' · ')),
    );
  }
  if (d.referrals) {
    w.heading(sectionTitle(w, 'referrals'), 2).list(
      d.referrals.map((r) => [w.day(r.sentAt), `${r.fromAgencyName} → ${r.toAgencyName}`, label(w, 'purpose', r.purpose), label(w, 'referralStatus', r.status)].join(' · ')),
    );
  }
  if (d.identification) {
    w.heading(sectionTitle(w, 'identification'), 2).list(
      d.identification.flatMap((i) => {
        const person = d.people?.find((p) => p.personId === i.personId);
        const who = person ? personName(person) : null;
        return i.decisions.map((x) => [who, label(w, 'stage', x.stage), label(w, 'outcome', x.outcome), w.day(x.decidedOn), x.decidedByName].filter(Boolean).join(' · '));
      }),
    );
  }
  if (d.tasks) {
    w.heading(sectionTitle(w, 'tasks'), 2).list(d.tasks.map((x) => [x.title, x.assignedUserName, t('reports.case.taskDue', { date: w.day(x.dueAt) })].filter(Boolean).join(' · ')));
  }
  if (d.timeline) w.heading(sectionTitle(w, 'timeline'), 2).paragraph(t('reports.case.timelineCount', { count: d.timeline.length }));
}

/** The case summary: every section the reader may see, as the case page shows them; audited as `case.summary_printed`. */
export async function caseSummaryPdf(db: Db, p: Principal, actor: AuditActor, caseId: string, o: Printing): Promise<Buffer> {
  const d = await getCase(db, p, actor, caseId, { audit: { action: 'case.summary_printed', changes: { language: o.lang } } });
  const generatedAt = new Date();
  const w = await PdfWriter.create({ lang: o.lang, title: `${textsIn(o.lang)('reports.case.title')} ${d.caseNumber}`, version: o.version, generatedAt, timeZone: o.timeZone });
  w.heading(`${w.t('reports.case.title')}: ${d.caseNumber}`, 1)
    .paragraph(w.t('reports.case.intro'), { muted: true })
    .keyValues([[w.t('reports.case.printedBy'), `${o.readerName} · ${w.day(generatedAt)}`]]);
  writeCaseSections(w, d);
  return w.finish();
}

/** The victim's language for a letter: the first of their recorded languages Pathway writes in, else the one asked for. */
export function letterLanguage(recorded: readonly string[], asked: Language | undefined): Language {
  const known = recorded.find((l): l is Language => (LANGUAGES as readonly string[]).includes(l));
  if (known) return known;
  if (!asked) throw badRequest('validation_failed', 'The person has no recorded language Pathway writes in: choose one', { lang: 'required: az, ru or en (no recorded language of the person)' });
  return asked;
}

/**
 * The letter telling the victim an identification decision, in their language. The reader must see
 * the case's identification section (as on the case page); the victim's name is printed when the
 * reader may see the people section too. Audited as `identification.letter_printed`.
 */
export async function decisionLetterPdf(db: Db, p: Principal, actor: AuditActor, caseId: string, decisionId: string, o: Omit<Printing, 'lang'> & { lang?: Language }): Promise<Buffer> {
  const access = await caseAccess(db, p, caseId, 'read');
  if (!access.decision.sections.has('identification')) throw notFound('Case');
  const found = await repo.decisionOfCase(db, caseId, decisionId);
  if (!found) throw notFound('Decision');
  const lang = letterLanguage(found.languages, o.lang);
  const d = await getCase(db, p, actor, caseId, {
    only: ['summary', 'people', 'identification'],
    audit: { action: 'identification.letter_printed', changes: { decisionId, language: lang } },
  });
  const decision = d.identification?.flatMap((i) => i.decisions).find((x) => x.id === decisionId);
  if (!decision) throw notFound('Decision');
  const person = d.people?.find((x) => x.personId === decision.personId);
  const agency = await repo.agencyName(db, decision.decidedByAgencyId);
  const generatedAt = new Date();
  const w = await PdfWriter.create({ lang, title: textsIn(lang)('reports.letter.title'), version: o.version, generatedAt, timeZone: o.timeZone });
  const t = w.t;
  const body = ((): string => {
    switch (decision.outcome) {
      case 'positive':
        return 'body_positive';
      case 'negative':
        return 'body_negative';
      case 'identified_trafficking':
      case 'identified_forced_labour':
        return 'body_identified';
      case 'not_enough_evidence':
        return 'body_not_identified';
    }
  })();
  w.heading(t('reports.letter.title'), 1).keyValues([
    [t('reports.letter.to'), person ? personName(person) : null],
    [t('reports.letter.caseNumber'), d.caseNumber],
    [t('reports.letter.decidedOn'), w.day(decision.decidedOn)],
    [t('reports.letter.decidedBy'), `${agency ?? ''}${agency ? ' · ' : ''}${decision.decidedByName}`],
    [t('reports.letter.stage'), label(w, 'stage', decision.stage)],
    [t('reports.letter.outcome'), label(w, 'outcome', decision.outcome)],
  ]);
  w.paragraph(t(`reports.letter.${body}`));
  if (decision.reflectionEndsOn) w.paragraph(t('reports.letter.reflectionEndsOn', { date: w.day(decision.reflectionEndsOn) }));
  if (decision.reasons) w.heading(t('reports.letter.reasons'), 3).paragraph(decision.reasons);
  w.paragraph(t('reports.letter.rights')).paragraph(t('reports.letter.contact'), { muted: true });
  return w.finish();
}

/**
 * The referral form: sender, receiver, purpose and the anonymous summary the referral carries, then
 * the case's sections the referral shares, as far as the reader may see them. The referral's read
 * is audited as `referral.read`; the case's shared sections, when the reader may open them, as
 * `referral.form_printed` on the case.
 */
export async function referralFormPdf(db: Db, p: Principal, actor: AuditActor, referralId: string, o: Printing): Promise<Buffer> {
  const r: ReferralView = await getReferral(db, p, actor, referralId);
  let d: CaseDetail | null = null;
  try {
    d = await getCase(db, p, actor, r.caseId, { only: r.sectionsShared, audit: { action: 'referral.form_printed', changes: { referralId, language: o.lang } } });
  } catch (e) {
    // A receiver that has not accepted yet may read the referral, not the case.
    if (!(e instanceof AppError && e.status === 404)) throw e;
  }
  const generatedAt = new Date();
  const w = await PdfWriter.create({ lang: o.lang, title: `${textsIn(o.lang)('reports.referral.title')} ${r.summary.caseNumber}`, version: o.version, generatedAt, timeZone: o.timeZone });
  const t = w.t;
  w.heading(`${t('reports.referral.title')}: ${r.summary.caseNumber}`, 1).keyValues([
    [t('reports.referral.from'), r.fromAgencyName],
    [t('reports.referral.to'), r.toAgencyName],
    [t('reports.referral.provider'), r.providerName],
    [t('reports.referral.purpose'), label(w, 'purpose', r.purpose)],
    [t('reports.referral.service'), label(w, 'service', r.serviceType)],
    [t('reports.referral.status'), label(w, 'referralStatus', r.status)],
    [t('reports.referral.sentAt'), w.day(r.sentAt)],
    [t('reports.referral.answerDueAt'), w.day(r.answerDueAt)],
    [t('reports.referral.consentBasis'), t(`reports.referral.basis.${r.consentBasis}`)],
    [t('reports.referral.sectionsShared'), r.sectionsShared.map((s) => sectionTitle(w, s)).join(', ')],
    [t('reports.referral.sectionsWithheld'), r.sectionsWithheld.map((s) => sectionTitle(w, s)).join(', ')],
  ]);
  if (r.reason) w.heading(t('reports.referral.reason'), 3).paragraph(r.reason);
  w.heading(t('reports.referral.victims'), 3).list(
    r.summary.victims.map((v) => [label(w, 'sex', v.sex), label(w, 'ageBand', v.ageBand), v.nationality].filter(Boolean).join(' · ')),
  );
  w.heading(t('reports.referral.sharedContent'), 2);
  if (d) writeCaseSections(w, d);
  else w.paragraph(t('reports.referral.notReadable'), { muted: true });
  return w.finish();
}
