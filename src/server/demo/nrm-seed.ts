import type { z } from 'zod';
import { addEvent, addNote, createCase, screenCase, updateCase } from '../modules/cases/service.ts';
import { addCasePerson } from '../modules/cases/people.ts';
import { recordConsent } from '../modules/cases/consents.ts';
import { acceptReferral, completeReferral, declineReferral, sendReferral } from '../modules/referrals/service.ts';
import { decide } from '../modules/identification/service.ts';
import { completeTask, createTask } from '../modules/tasks/service.ts';
import { addService, savePlan } from '../modules/assistance/service.ts';
import { AddCasePersonBody, CaseScreeningBody, CreateCaseBody, RecordConsentBody, TraffickingEventBody, UpdateCaseBody } from '../../shared/schemas/cases.ts';
import { SendReferralBody } from '../../shared/schemas/referrals.ts';
import { DecisionBody } from '../../shared/schemas/identification.ts';
import { CreateTaskBody } from '../../shared/schemas/tasks.ts';
import { AddAssistanceServiceBody, AssistancePlanBody } from '../../shared/schemas/case-support.ts';
import { identificationDates } from '../../domain/deadlines.ts';
import { calendarFor } from '../../domain/country-profile.ts';
import type { CaseSection } from '../../shared/nrm.ts';
import type { DemoActor, DemoContext } from './context.ts';
import { screeningBody } from './hotline-seed.ts';

/**
 * The National Referral Mechanism's story: one case at each stage (new, under assessment,
 * identification due soon, a child with a guardian, identified, not identified, closed) with its
 * victims, referrals in every state between the demo agencies, identification decisions, tasks (some
 * overdue) and assistance plans. Every name is synthetic. Dates are relative to today.
 */

const IDENTIFICATION_SECTIONS: CaseSection[] = ['summary', 'people', 'events', 'screening', 'identification'];
const SERVICE_SECTIONS: CaseSection[] = ['summary', 'people', 'assistance'];

type Victim = z.input<typeof AddCasePersonBody>;
type Opened = { caseId: string; personId: string };

async function openCase(ctx: DemoContext, w: DemoActor, daysAgo: number, fields: z.input<typeof CreateCaseBody>, victim: Victim): Promise<Opened> {
  const { id: caseId } = await createCase(ctx.db, w.p, w.actor, CreateCaseBody.parse(fields));
  const opened = ctx.at(-daysAgo);
  await ctx.db.updateTable('cases').set({ openedAt: opened, createdAt: opened }).where('id', '=', caseId).execute();
  const { personId } = await addCasePerson(ctx.db, w.p, w.actor, caseId, AddCasePersonBody.parse(victim));
  return { caseId, personId };
}

const consent = (ctx: DemoContext, w: DemoActor, o: Opened, body: Omit<z.input<typeof RecordConsentBody>, 'personId' | 'form'>) =>
  recordConsent(ctx.db, w.p, w.actor, o.caseId, RecordConsentBody.parse({ ...body, personId: o.personId, form: 'written' }));

/** Sends a referral and moves it back in time (timestamps only), with its answer and completion after the sending. */
async function refer(
  ctx: DemoContext,
  w: DemoActor,
  caseId: string,
  body: z.input<typeof SendReferralBody>,
  sentDaysAgo: number,
  then?: { accept?: DemoActor; decline?: { by: DemoActor; reason: string }; complete?: string },
): Promise<string> {
  const r = await sendReferral(ctx.db, w.p, w.actor, caseId, SendReferralBody.parse(body));
  const sentAt = ctx.at(-sentDaysAgo);
  await ctx.db
    .updateTable('referrals')
    .set({ sentAt, createdAt: sentAt, answerDueAt: new Date(sentAt.getTime() + ctx.profile.referralAnswerHours * 3600_000) })
    .where('id', '=', r.id)
    .execute();
  const answered = new Date(sentAt.getTime() + Math.min(1, sentDaysAgo / 2) * 86_400_000);
  if (then?.accept) {
    await acceptReferral(ctx.db, then.accept.p, then.accept.actor, r.id, 'Accepted; we will contact the case worker.');
    await ctx.db.updateTable('referrals').set({ acceptedAt: answered }).where('id', '=', r.id).execute();
    if (then.complete) {
      await completeReferral(ctx.db, then.accept.p, then.accept.actor, r.id, then.complete);
      await ctx.db.updateTable('referrals').set({ completedAt: new Date(sentAt.getTime() + (sentDaysAgo / 2) * 86_400_000) }).where('id', '=', r.id).execute();
    }
  }
  if (then?.decline) {
    await declineReferral(ctx.db, then.decline.by.p, then.decline.by.actor, r.id, then.decline.reason);
    await ctx.db.updateTable('referrals').set({ declinedAt: answered }).where('id', '=', r.id).execute();
  }
  return r.id;
}

const task = (ctx: DemoContext, w: DemoActor, caseId: string, title: string, dueInDays: number) =>
  createTask(ctx.db, w.p, w.actor, caseId, CreateTaskBody.parse({ title, dueAt: ctx.at(dueInDays, 9).toISOString() }));

const decision = (ctx: DemoContext, officer: DemoActor, o: Opened, body: Omit<z.input<typeof DecisionBody>, 'personId'>) =>
  decide(ctx.db, officer.p, officer.actor, o.caseId, DecisionBody.parse({ personId: o.personId, ...body }));

const event = (ctx: DemoContext, w: DemoActor, caseId: string, body: z.input<typeof TraffickingEventBody>) =>
  addEvent(ctx.db, w.p, w.actor, caseId, TraffickingEventBody.parse(body));

async function providerId(ctx: DemoContext, name: string): Promise<string> {
  return (await ctx.db.selectFrom('providers').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
}

/** How many days ago to refer so that the reasonable-grounds decision falls due in one or two working days. */
function daysAgoDueSoon(ctx: DemoContext): number {
  const cal = calendarFor(ctx.profile);
  let best = 1;
  for (let d = 1; d <= 20; d++) {
    const due = identificationDates(ctx.profile, cal, { referredOn: ctx.day(-d) }).rgDueOn;
    if (due > ctx.today) best = d;
  }
  return best;
}

/** A date of birth about `years` years and `days` days ago (always a real day, 29 February or not). */
const yearsAgo = (ctx: DemoContext, years: number, days = 0) => ctx.day(-Math.floor(years * 365.25) - days);

export async function seedNrmDemo(ctx: DemoContext): Promise<void> {
  const worker = await ctx.as('case_worker');
  const officer = await ctx.as('identification_officer');
  const shelterWorker = await ctx.as('shelter_worker');
  const lawyer = await ctx.as('lawyer');
  const mia = ctx.agency('mia_atd');
  const shelterBaku = await providerId(ctx, 'Shelter for Victims of Trafficking, Baku (demo)');
  const legalAid = await providerId(ctx, 'Legal aid clinic (demo)');
  const medical = await providerId(ctx, 'Medical rehabilitation unit (demo)');
  const childrenShelter = await providerId(ctx, "Children's shelter (demo)");

  // New: opened this morning, nothing done yet.
  await ctx.step('nrm:new', async () => {
    await openCase(ctx, worker, 0, { region: 'Ganja', exploitationForms: ['servitude'], narrative: 'Walked in with her sister; says she worked in a house in Ganja for two years without pay.' }, {
      role: 'victim',
      person: { name: { givenName: 'Leyla', familyName: 'Həsənova' }, aliases: [{ givenName: 'Лейла', familyName: 'Гасанова' }], sex: 'female', birthYear: Number(ctx.today.slice(0, 4)) - 29, birthYearEstimated: true, citizenship: 'AZE', languages: ['az'] },
    });
  });

  // Under assessment: screened, needs assessed, shelter asked for (no answer yet), legal aid declined, a task overdue.
  await ctx.step('nrm:under-assessment', async () => {
    const o = await openCase(
      ctx,
      worker,
      6,
      { region: 'Baku', country: 'TR', exploitationForms: ['sexual_exploitation'], sexExploitationTypes: ['prostitution'], recruitmentMethods: ['online_social_networks'], narrative: 'Promised work as a waitress in Istanbul; made to work in a bar and meet clients; came back through Baku.' },
      {
        role: 'victim',
        person: { name: { givenName: 'Анна', familyName: 'Петрова', patronymic: 'Сергеевна' }, aliases: [{ givenName: 'Anna', familyName: 'Petrova' }], sex: 'female', birthDate: yearsAgo(ctx, 27, 40), citizenship: 'RUS', languages: ['ru'] },
      },
    );
    await screenCase(ctx.db, worker.p, worker.actor, o.caseId, CaseScreeningBody.parse(screeningBody('sexual', 27)));
    await event(ctx, worker, o.caseId, { type: 'recruitment', date: ctx.day(-120).slice(0, 7), country: 'RU', city: 'Rostov-on-Don', description: 'Job advertisement on a social network.' });
    await event(ctx, worker, o.caseId, { type: 'exploitation', date: ctx.day(-90).slice(0, 7), country: 'TR', city: 'Istanbul', place: 'A bar (synthetic)' });
    await consent(ctx, worker, o, { kind: 'assistance', givenOn: ctx.day(-5) });
    await consent(ctx, worker, o, { kind: 'data_sharing', agencyId: ctx.agency('shelter'), purpose: 'services', givenOn: ctx.day(-5) });
    await consent(ctx, worker, o, { kind: 'data_sharing', agencyId: ctx.agency('ngo2'), purpose: 'services', givenOn: ctx.day(-5) });
    await savePlan(ctx.db, worker.actor, worker.p, o.caseId, AssistancePlanBody.parse({ needsAssessment: 'Needs a safe place to stay, a medical check and an interpreter (Russian). Wants to go home to Russia once safe.', assessedOn: ctx.day(-4), goals: ['Safe accommodation this week', 'Medical check', 'Decide about returning home'] }));
    await refer(ctx, worker, o.caseId, { providerId: shelterBaku, purpose: 'services', serviceType: 'shelter', sections: SERVICE_SECTIONS, reason: 'Needs a bed now; speaks Russian only.' }, 0.2);
    await refer(ctx, worker, o.caseId, { providerId: legalAid, purpose: 'services', serviceType: 'legal_aid', sections: SERVICE_SECTIONS, reason: 'Advice on her rights as a foreign victim.' }, 4, {
      decline: { by: lawyer, reason: 'No Russian-speaking lawyer free this month; please ask again after the 20th or try the bar association.' },
    });
    await task(ctx, worker, o.caseId, 'Collect the medical report from the polyclinic', -3);
    await task(ctx, worker, o.caseId, 'Book a Russian interpreter for the interview', 2);
  });

  // Identification due soon: referred to the Anti-Trafficking Department, accepted, the reasonable-grounds decision due in a day or two.
  await ctx.step('nrm:identification-due', async () => {
    const referredDaysAgo = daysAgoDueSoon(ctx);
    const o = await openCase(
      ctx,
      worker,
      referredDaysAgo + 3,
      { region: 'Sumqayit', country: 'RU', exploitationForms: ['forced_labour'], industry: 'construction', recruitmentMethods: ['online_social_networks'], controlMethods: ['withholds_documents', 'takes_earnings', 'excessive_working_hours'], narrative: 'Building site near Moscow: passport taken, paid nothing for five months, locked in a container at night.' },
      {
        role: 'victim',
        person: { name: { givenName: 'Orxan', familyName: 'Cəfərli' }, aliases: [{ givenName: 'Орхан', familyName: 'Джафарли' }, { givenName: 'Orkhan', familyName: 'Jafarli' }], sex: 'male', birthDate: yearsAgo(ctx, 41, 200), citizenship: 'AZE', languages: ['az', 'ru'] },
      },
    );
    await screenCase(ctx.db, worker.p, worker.actor, o.caseId, CaseScreeningBody.parse(screeningBody('labour', 41)));
    await event(ctx, worker, o.caseId, { type: 'recruitment', date: ctx.day(-200).slice(0, 7), country: 'AZ', city: 'Sumqayit', description: 'Offer passed on by a relative.' });
    await event(ctx, worker, o.caseId, { type: 'exploitation', date: ctx.day(-180).slice(0, 7), country: 'RU', region: 'Moscow Oblast', place: 'A building site (synthetic)' });
    await consent(ctx, worker, o, { kind: 'data_sharing', agencyId: mia, purpose: 'identification', givenOn: ctx.day(-referredDaysAgo) });
    await consent(ctx, worker, o, { kind: 'data_sharing', agencyId: ctx.agency('health'), purpose: 'services', givenOn: ctx.day(-referredDaysAgo) });
    await refer(ctx, worker, o.caseId, { toAgencyId: mia, purpose: 'identification', sections: IDENTIFICATION_SECTIONS, reason: 'Positive screening; asks to be identified.' }, referredDaysAgo, { accept: officer });
    // Sent to the Ministry of Health's unit five days ago and not answered in time: the overdue view shows it.
    await refer(ctx, worker, o.caseId, { providerId: medical, purpose: 'services', serviceType: 'medical', sections: SERVICE_SECTIONS, reason: 'Injured hand, untreated for months.' }, 5);
    await task(ctx, worker, o.caseId, 'Ask the recruitment agency for his contract', -1);
    await task(ctx, worker, o.caseId, 'Prepare the interview with the identification officer', 1);
  });

  // A child with a guardian: referred for identification yesterday (waiting in the officer's queue) and to a children's shelter.
  await ctx.step('nrm:child', async () => {
    const o = await openCase(ctx, worker, 4, { region: 'Baku', country: 'AZ', exploitationForms: ['forced_begging'], narrative: 'Found begging at the bus station every day; an adult collected the money.' }, {
      role: 'victim',
      person: { name: { givenName: 'Aysel', familyName: 'Nəbiyeva' }, aliases: [{ givenName: 'Айсель', familyName: 'Набиева' }, { givenName: 'Aysel', familyName: 'Nabiyeva' }], sex: 'female', birthDate: yearsAgo(ctx, 15, 100), citizenship: 'AZE', languages: ['az'] },
      unaccompanied: true,
      guardianName: 'Gülnarə Əliyeva',
      guardianAppointedOn: ctx.day(-3),
    });
    await screenCase(ctx.db, worker.p, worker.actor, o.caseId, CaseScreeningBody.parse(screeningBody('labour', 15)));
    await consent(ctx, worker, o, { kind: 'assistance', givenOn: ctx.day(-3), givenBy: 'guardian' });
    await savePlan(ctx.db, worker.actor, worker.p, o.caseId, AssistancePlanBody.parse({ needsAssessment: 'Back to school; a safe place to live away from the adult who sent her begging; psychological support.', assessedOn: ctx.day(-2), goals: ['Children\'s shelter', 'School from next term'] }));
    await addService(ctx.db, worker.actor, worker.p, o.caseId, AddAssistanceServiceBody.parse({ service: 'education_for_children', status: 'planned', plannedOn: ctx.day(10) }));
    await refer(ctx, worker, o.caseId, { toAgencyId: mia, purpose: 'identification', sections: IDENTIFICATION_SECTIONS, reason: 'A child exploited for begging.' }, 1);
    await refer(ctx, worker, o.caseId, { providerId: childrenShelter, purpose: 'services', serviceType: 'shelter', sections: SERVICE_SECTIONS }, 0.5);
    await task(ctx, worker, o.caseId, 'Meet the guardian and the school', 3);
  });

  // Identified: reasonable grounds, then the conclusive decision; sheltered (done), legal aid under way, the assistance plan running.
  await ctx.step('nrm:identified', async () => {
    const o = await openCase(
      ctx,
      worker,
      105,
      { region: 'Baku', country: 'AZ', exploitationForms: ['sexual_exploitation'], sexExploitationTypes: ['prostitution'], recruitmentMethods: ['friends_or_social_events'], controlMethods: ['debt_bondage', 'withholds_documents'], narrative: 'Brought from Lagos through Istanbul with the promise of a job in a hotel; held in a flat in Baku.' },
      { role: 'victim', person: { name: { givenName: 'Grace', familyName: 'Okafor' }, aliases: [{ givenName: 'Грейс', familyName: 'Окафор' }], sex: 'female', birthDate: yearsAgo(ctx, 24, 30), citizenship: 'NGA', languages: ['en'] } },
    );
    await screenCase(ctx.db, worker.p, worker.actor, o.caseId, CaseScreeningBody.parse(screeningBody('sexual', 24, ctx.at(-104))));
    await event(ctx, worker, o.caseId, { type: 'transit', date: ctx.day(-150).slice(0, 7), country: 'TR', city: 'Istanbul' });
    await event(ctx, worker, o.caseId, { type: 'exploitation', date: ctx.day(-130).slice(0, 7), country: 'AZ', city: 'Baku', place: 'A rented flat (synthetic)' });
    const assistance = await consent(ctx, worker, o, { kind: 'assistance', givenOn: ctx.day(-104) });
    await consent(ctx, worker, o, { kind: 'data_sharing', agencyId: mia, purpose: 'identification', givenOn: ctx.day(-104) });
    await consent(ctx, worker, o, { kind: 'data_sharing', agencyId: ctx.agency('shelter'), purpose: 'services', givenOn: ctx.day(-104) });
    await consent(ctx, worker, o, { kind: 'data_sharing', agencyId: ctx.agency('ngo2'), purpose: 'services', givenOn: ctx.day(-60) });
    await refer(ctx, worker, o.caseId, { toAgencyId: mia, purpose: 'identification', sections: IDENTIFICATION_SECTIONS }, 100, { accept: officer });
    await decision(ctx, officer, o, { stage: 'reasonable_grounds', outcome: 'positive', decidedOn: ctx.day(-96), reasons: 'Consistent account of deception, debt and confinement; screening positive.', evidence: 'Interview of the victim; the case worker\'s screening.' });
    await decision(ctx, officer, o, { stage: 'conclusive', outcome: 'identified_trafficking', decidedOn: ctx.day(-45), reasons: 'Recruitment by deception, transfer and exploitation in prostitution established.', evidence: 'Second interview; travel records.' });
    await refer(ctx, worker, o.caseId, { providerId: shelterBaku, purpose: 'services', serviceType: 'shelter', sections: SERVICE_SECTIONS }, 103, { accept: shelterWorker, complete: 'Stayed 90 days; moved to a rented room with support.' });
    await refer(ctx, worker, o.caseId, { providerId: legalAid, purpose: 'services', serviceType: 'legal_aid', sections: SERVICE_SECTIONS, reason: 'Compensation claim.' }, 60, { accept: lawyer });
    await savePlan(ctx.db, worker.actor, worker.p, o.caseId, AssistancePlanBody.parse({ needsAssessment: 'Safe accommodation, medical and psychological care, legal advice on compensation, and in time work.', assessedOn: ctx.day(-102), goals: ['Safety', 'Health', 'Compensation', 'Independent living'] }));
    const base = { consentId: assistance.id };
    await addService(ctx.db, worker.actor, worker.p, o.caseId, AddAssistanceServiceBody.parse({ service: 'safe_accommodation', status: 'delivered', providerId: shelterBaku, startedOn: ctx.day(-102), endedOn: ctx.day(-12), ...base }));
    await addService(ctx.db, worker.actor, worker.p, o.caseId, AddAssistanceServiceBody.parse({ service: 'psychological_assistance', status: 'in_progress', startedOn: ctx.day(-90), ...base }));
    await addService(ctx.db, worker.actor, worker.p, o.caseId, AddAssistanceServiceBody.parse({ service: 'counselling_legal_information', status: 'in_progress', providerId: legalAid, startedOn: ctx.day(-58), ...base }));
    await addService(ctx.db, worker.actor, worker.p, o.caseId, AddAssistanceServiceBody.parse({ service: 'work_and_training', status: 'planned', plannedOn: ctx.day(20) }));
    await updateCase(ctx.db, worker.p, worker.actor, o.caseId, UpdateCaseBody.parse({ status: 'follow_up' }));
    await task(ctx, worker, o.caseId, 'Send the compensation claim papers to the legal-aid clinic', -2);
  });

  // Not identified: a positive reasonable-grounds decision, then not enough evidence for the conclusive one.
  await ctx.step('nrm:not-identified', async () => {
    const o = await openCase(
      ctx,
      worker,
      85,
      { region: 'Lankaran', country: 'AZ', exploitationForms: ['forced_labour'], industry: 'agriculture_forestry_fishing', narrative: 'Seasonal farm work; says wages were withheld and he was threatened, but left freely after the season.' },
      { role: 'victim', person: { name: { givenName: 'Сергей', familyName: 'Иванов' }, aliases: [{ givenName: 'Sergey', familyName: 'Ivanov' }, { givenName: 'Sergei', familyName: 'Ivanov' }], sex: 'male', birthDate: yearsAgo(ctx, 38, 60), citizenship: 'RUS', languages: ['ru'] } },
    );
    await consent(ctx, worker, o, { kind: 'data_sharing', agencyId: mia, purpose: 'identification', givenOn: ctx.day(-84) });
    await refer(ctx, worker, o.caseId, { toAgencyId: mia, purpose: 'identification', sections: IDENTIFICATION_SECTIONS }, 80, { accept: officer });
    await decision(ctx, officer, o, { stage: 'reasonable_grounds', outcome: 'positive', decidedOn: ctx.day(-76), reasons: 'Withheld wages and threats reported; to be examined.' });
    await decision(ctx, officer, o, { stage: 'conclusive', outcome: 'not_enough_evidence', decidedOn: ctx.day(-28), reasons: 'Labour dispute: no control over his movement, he left when he chose; referred to the labour inspectorate.' });
    await addNote(ctx.db, worker.p, worker.actor, o.caseId, 'Told him about the decision and his right to ask for a reconsideration; he wants help with the wages only.');
  });

  // Closed: identified a year ago, assistance completed, the case closed.
  await ctx.step('nrm:closed', async () => {
    const o = await openCase(
      ctx,
      worker,
      400,
      { region: 'Quba', country: 'AE', exploitationForms: ['servitude'], recruitmentMethods: ['online_social_networks'], narrative: 'Housekeeper in Dubai; passport kept, not allowed out, paid nothing for a year.' },
      { role: 'victim', person: { name: { givenName: 'Nigar', familyName: 'Rzayeva' }, aliases: [{ givenName: 'Нигяр', familyName: 'Рзаева' }], sex: 'female', birthDate: yearsAgo(ctx, 31, 10), citizenship: 'AZE', languages: ['az', 'ru'] } },
    );
    const assistance = await consent(ctx, worker, o, { kind: 'assistance', givenOn: ctx.day(-400) });
    await consent(ctx, worker, o, { kind: 'data_sharing', agencyId: mia, purpose: 'identification', givenOn: ctx.day(-400) });
    await consent(ctx, worker, o, { kind: 'data_sharing', agencyId: ctx.agency('shelter'), purpose: 'services', givenOn: ctx.day(-400) });
    await refer(ctx, worker, o.caseId, { toAgencyId: mia, purpose: 'identification', sections: IDENTIFICATION_SECTIONS }, 398, { accept: officer });
    await decision(ctx, officer, o, { stage: 'reasonable_grounds', outcome: 'positive', decidedOn: ctx.day(-394), reasons: 'Credible account; passport kept by the employer.' });
    await decision(ctx, officer, o, { stage: 'conclusive', outcome: 'identified_forced_labour', decidedOn: ctx.day(-340), reasons: 'Forced labour in domestic work established.' });
    await refer(ctx, worker, o.caseId, { providerId: shelterBaku, purpose: 'services', serviceType: 'shelter', sections: SERVICE_SECTIONS }, 399, { accept: shelterWorker, complete: 'Three months in the shelter; went home to her family in Quba.' });
    await addService(ctx.db, worker.actor, worker.p, o.caseId, AddAssistanceServiceBody.parse({ service: 'safe_accommodation', status: 'delivered', providerId: shelterBaku, startedOn: ctx.day(-398), endedOn: ctx.day(-305), consentId: assistance.id }));
    const done = await task(ctx, worker, o.caseId, 'Visit her at home in Quba six months after the return', -120);
    await completeTask(ctx.db, worker.p, worker.actor, o.caseId, done.id);
    await updateCase(ctx.db, worker.p, worker.actor, o.caseId, UpdateCaseBody.parse({ status: 'closed', closureReason: 'Reintegrated: living with her family in Quba and working; assistance completed.' }));
  });
}
