import type { DemoActor, DemoContext } from './context.ts';
import { addGoal, addMeasure, createMeeting, createPlan, dropMeasure, reviewReport, submitReport } from '../modules/action-plan/service.ts';
import type { CreateMeasureBody } from '../../shared/schemas/action-plan.ts';
import type { ReportProgress } from '../../domain/action-plan.ts';

/**
 * The national action plan demo: the 2nd plan (2009–2013, Presidential Order No. 133) and the 4th
 * (2020–2024, Order No. 2173) with measures for nine responsible bodies, written through the
 * module's services (audited as the demo users). Their measures end in every state: done with
 * accepted reports (4.1.9 led to the NRM rules' amendment, CM Decision 174 of 2022), late (reports
 * missing, or the deadline passed without "done"), on track, one report sent back and one waiting
 * for review, one measure dropped with a reason; and a coordination meeting whose decisions are
 * action items, one due within days (reminded) and one late. Texts are the demo's own summaries.
 */
type Report = { year: number; progress: ReportProgress; review: 'accepted' | 'returned' | 'submitted'; by?: string; text?: string };
type DemoMeasure = Omit<CreateMeasureBody, 'responsibleAgencyId' | 'coResponsibleAgencyIds' | 'indicators' | 'goalId'> & {
  goal: string;
  lead: string;
  co?: string[];
  indicators?: CreateMeasureBody['indicators'];
  reports?: Report[];
  drop?: string;
};

/** Who reports for a body: its demo focal point. */
const focal = (agency: string) => (agency === 'labour' ? 'plan_focal_point' : `focal_${agency}`);

const accepted = (years: number[], last: ReportProgress = 'in_progress'): Report[] =>
  years.map((year, i) => ({ year, progress: i === years.length - 1 ? last : 'in_progress', review: 'accepted' }));

const PLAN_2009: { goals: [string, string][]; measures: DemoMeasure[] } = {
  goals: [
    ['1', 'Legal and institutional framework'],
    ['2', 'Protection and assistance to victims'],
    ['3', 'Prevention and awareness'],
  ],
  measures: [
    { goal: '1', number: '1.2', text: 'Adopt the rules of the national referral mechanism for victims of trafficking', lead: 'mia_atd', co: ['labour'], deadline: { kind: 'year', year: 2009 }, expectedResult: 'NRM rules adopted (CM Decision 123 of 11 Aug 2009)', reports: accepted([2009], 'done') },
    { goal: '1', number: '1.3', text: 'Approve the indicators for identifying victims of trafficking', lead: 'mia_atd', deadline: { kind: 'year', year: 2009 }, expectedResult: 'Indicators approved (CM Decision 131 of 3 Sep 2009)', reports: accepted([2009], 'done') },
    { goal: '2', number: '2.1', text: 'Provide medical and psychological rehabilitation to victims', lead: 'health', deadline: { kind: 'period', fromYear: 2009, toYear: 2013 }, reports: accepted([2009, 2010, 2011, 2012, 2013], 'done') },
    { goal: '2', number: '2.2', text: 'Vocational training and employment for victims', lead: 'labour', co: ['family'], deadline: { kind: 'period', fromYear: 2010, toYear: 2013 }, reports: accepted([2010, 2011, 2012, 2013], 'done'), indicators: [{ definition: 'Victims who completed vocational training', unit: 'count', baseline: 0, target: 100 }] },
    { goal: '2', number: '2.3', text: 'Consular assistance to citizens trafficked abroad', lead: 'foreign', deadline: { kind: 'continuous' }, reports: accepted([2009, 2010, 2011, 2012, 2013], 'done') },
    { goal: '3', number: '3.1', text: 'Awareness lessons on trafficking in secondary schools', lead: 'education', deadline: { kind: 'year', year: 2012 }, reports: accepted([2009, 2010]) },
    { goal: '3', number: '3.2', text: 'Information campaign for young women on safe migration', lead: 'family', co: ['migration'], deadline: { kind: 'year', year: 2011 }, reports: accepted([2009, 2010, 2011], 'done') },
  ],
};

const PLAN_2020: { goals: [string, string][]; measures: DemoMeasure[] } = {
  goals: [
    ['1', 'Identification of victims'],
    ['2', 'Protection, assistance and reintegration'],
    ['3', 'Prevention'],
    ['4', 'Coordination, legislation and international cooperation'],
  ],
  measures: [
    { goal: '1', number: '1.1', text: 'Train police, border guards and labour inspectors on the victim indicators', lead: 'mia_atd', co: ['border', 'labour'], deadline: { kind: 'period', fromYear: 2020, toYear: 2023 }, reports: accepted([2020, 2021, 2022, 2023], 'done'), indicators: [{ definition: 'Officers trained', unit: 'count', baseline: 120, target: 1000 }, { definition: 'Trafficking cases investigated', unit: 'count', statisticsTable: 'justice-figures', statisticsKey: { figure: 'cases_investigated' } }] },
    { goal: '1', number: '1.2', text: 'Labour inspections of sectors at risk of forced labour', lead: 'labour', deadline: { kind: 'year', year: 2024 }, reports: accepted([2020, 2021]), indicators: [{ definition: 'Inspections in sectors at risk', unit: 'count', baseline: 40, target: 400 }, { definition: 'Share of regions covered', unit: 'percentage', baseline: 20, target: 100 }] },
    { goal: '1', number: '1.3', text: 'Screen foreigners at border crossings for signs of trafficking', lead: 'border', deadline: { kind: 'year', year: 2024 }, reports: [...accepted([2020, 2021, 2022, 2023]), { year: 2024, progress: 'in_progress', review: 'submitted', text: 'Screening at three crossings; the fourth opens next year.' }] },
    { goal: '2', number: '2.1', text: 'Medical and psychological care for victims in state clinics', lead: 'health', deadline: { kind: 'continuous' }, reports: accepted([2020, 2021, 2022, 2023, 2024]), indicators: [{ definition: 'Identified victims in the NRM', unit: 'count', statisticsTable: 'nrm-victims-status-sex-age', statisticsKey: { status: 'identified' } }] },
    { goal: '2', number: '2.2', text: 'Residence permits for foreign victims during the reflection period', lead: 'migration', deadline: { kind: 'year', year: 2024 }, reports: [...accepted([2020, 2021, 2022, 2023]), { year: 2024, progress: 'done', review: 'returned', text: 'All requests were granted.' }] },
    { goal: '2', number: '2.3', text: 'Support for child victims in family-type care', lead: 'family', co: ['education'], deadline: { kind: 'year', year: 2022 }, reports: accepted([2020, 2021, 2022], 'done') },
    { goal: '3', number: '3.1', text: 'Trafficking and safe migration in the school curriculum', lead: 'education', deadline: { kind: 'continuous' }, reports: accepted([2020, 2021, 2022]) },
    { goal: '3', number: '3.2', text: 'Warn citizens travelling abroad for work about recruitment fraud', lead: 'foreign', deadline: { kind: 'year', year: 2023 } },
    { goal: '4', number: '4.1.9', text: 'Amend the rules of the national referral mechanism', lead: 'mia_atd', co: ['labour', 'justice_ministry'], deadline: { kind: 'year', year: 2022 }, expectedResult: 'NRM rules amended (CM Decision 174 of 26 Apr 2022)', reports: accepted([2020, 2021, 2022], 'done') },
    { goal: '4', number: '4.2', text: 'Training of judges on trafficking cases at the Justice Academy', lead: 'justice_ministry', deadline: { kind: 'year', year: 2023 }, drop: 'Moved to the Justice Academy\'s own training plan' },
  ],
};

async function seedPlan(ctx: DemoContext, coordinator: DemoActor, plan: { title: string; actNumber: string; actDate: string; startYear: number; endYear: number; status: 'expired' | 'adopted' | 'superseded' }, content: typeof PLAN_2009) {
  const { id } = await createPlan(ctx.db, coordinator.p, coordinator.actor, { ...plan, actType: 'presidential_order', reportDueDays: 20 });
  const goals = new Map<string, string>();
  for (const [number, title] of content.goals) goals.set(number, (await addGoal(ctx.db, coordinator.p, coordinator.actor, id, { number, title })).id);
  for (const m of content.measures) {
    const measure = await addMeasure(ctx.db, coordinator.p, coordinator.actor, id, {
      number: m.number,
      text: m.text,
      goalId: goals.get(m.goal) ?? null,
      responsibleAgencyId: ctx.agency(m.lead),
      coResponsibleAgencyIds: (m.co ?? []).map((a) => ctx.agency(a)),
      deadline: m.deadline,
      expectedResult: m.expectedResult ?? null,
      indicators: m.indicators ?? [],
    });
    const reporter = await ctx.as(focal(m.lead));
    for (const r of m.reports ?? []) {
      const indicatorValues = (m.indicators ?? []).length ? await valuesFor(ctx, measure.id, r.year - plan.startYear + 1) : [];
      const report = await submitReport(ctx.db, reporter.p, reporter.actor, { measureId: measure.id, period: r.year, progress: r.progress, narrative: r.text ?? `Work of ${r.year} as planned.`, indicatorValues });
      if (r.review === 'submitted') continue;
      await reviewReport(ctx.db, coordinator.p, coordinator.actor, report.id, r.review === 'accepted' ? { version: report.version, decision: 'accept' } : { version: report.version, decision: 'return', reason: 'Say how many permits were granted and attach the list of decisions.' });
    }
    if (m.drop) await dropMeasure(ctx.db, coordinator.p, coordinator.actor, measure.id, m.drop);
  }
  return id;
}

/** Indicator values that grow year by year, within each unit. */
async function valuesFor(ctx: DemoContext, measureId: string, step: number) {
  const inds = await ctx.db.selectFrom('actionPlanIndicators').select(['id', 'unit', 'target']).where('measureId', '=', measureId).orderBy('position').execute();
  return inds.map((i) => ({ indicatorId: i.id, value: i.unit === 'percentage' ? Math.min(100, 20 * step) : Math.round(((i.target ?? 100) / 5) * step) }));
}

export async function seedActionPlanDemo(ctx: DemoContext): Promise<void> {
  const coordinator = await ctx.as('coordinator');
  await ctx.step('action-plan:2009', async () => {
    await seedPlan(ctx, coordinator, { title: 'National Action Plan on Combating Trafficking in Persons, 2009–2013', actNumber: '133', actDate: '2009-02-06', startYear: 2009, endYear: 2013, status: 'superseded' }, PLAN_2009);
  });
  await ctx.step('action-plan:2020', async () => {
    await seedPlan(ctx, coordinator, { title: 'National Action Plan on Combating Trafficking in Persons, 2020–2024 (4th)', actNumber: '2173', actDate: '2020-07-22', startYear: 2020, endYear: 2024, status: 'expired' }, PLAN_2020);
  });
  await ctx.step('action-plan:meeting', async () => {
    const plan = await ctx.db.selectFrom('actionPlans').select('id').where('startYear', '=', 2020).executeTakeFirst();
    await createMeeting(ctx.db, coordinator.p, coordinator.actor, {
      planId: plan?.id ?? null,
      heldOn: ctx.day(-40),
      title: 'Working group under the National Coordinator, quarterly meeting',
      minutes: 'The working group reviewed the implementation report of the 4th plan and the draft of the next one.',
      quorumMet: true,
      agencies: ['mia_atd', 'labour', 'health', 'education', 'foreign', 'migration', 'family', 'justice_ministry', 'border'].map((a) => ({ agencyId: ctx.agency(a), attended: a !== 'foreign' })),
      actionItems: [
        { number: '1', decision: 'Send the labour inspection figures of the year to the coordinator\'s office', agencyId: ctx.agency('labour'), dueOn: ctx.day(7) },
        { number: '2', decision: 'Propose the health measures of the next plan', agencyId: ctx.agency('health'), dueOn: ctx.day(-10) },
        { number: '3', decision: 'Report on the screening at the new border crossing', agencyId: ctx.agency('border'), dueOn: ctx.day(30) },
      ],
    });
  });
}
