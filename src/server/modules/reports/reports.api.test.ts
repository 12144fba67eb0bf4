import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { createTestApp, makeAgency, makeUser, signIn, type Session, type TestApp } from '../../../../test/helpers/app.ts';
import { pdfText } from '../../../../test/helpers/pdf.ts';
import { dayIn } from '../../../domain/deadlines.ts';
import type { Role } from '../../../shared/roles.ts';
import type { StatisticsTable } from '../../../domain/statistics-table.ts';

let t: TestApp;
let ngo: string;
let authority: string;
let worker: Session;
let officer: Session;
let outsider: Session;
let analyst: Session;

async function user(roles: Role[], agencyId: string) {
  const u = await makeUser(t.db, { roles, agencyId });
  return signIn(t.app, u.email);
}

beforeAll(async () => {
  t = await createTestApp();
  ngo = (await makeAgency(t.db, { type: 'ngo', name: 'Təmiz Dünya' })).id;
  authority = (await makeAgency(t.db, { type: 'police', name: 'Baş İdarə' })).id;
  worker = await user(['case_worker'], ngo);
  officer = await user(['identification_officer'], authority);
  outsider = await user(['case_worker'], (await makeAgency(t.db, { type: 'ngo' })).id);
  analyst = await user(['analyst'], (await makeAgency(t.db, { type: 'coordinator' })).id);
}, 60_000);
afterAll(() => t.close());

const call = (s: Session, method: 'GET' | 'POST', url: string, payload?: unknown) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers: method === 'GET' ? { cookie: s.cookie } : s.headers, ...(payload === undefined ? {} : { payload: payload as object }) });

const ok = async (s: Session, method: 'GET' | 'POST', url: string, payload?: unknown) => {
  const res = await call(s, method, url, payload);
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  return res.json();
};

const today = () => dayIn('Asia/Baku', new Date());
const NARRATIVE = 'Её увезли в Москву и заставили работать на стройке.';

/** A case with a victim, a narrative only its agency sees, an event, referred for identification and accepted. */
async function referredCase(person: { givenName: string; familyName: string; languages: string[]; sex: 'female' | 'male' }) {
  const { id } = await ok(worker, 'POST', '/cases', { exploitationForms: ['forced_labour'], narrative: NARRATIVE, region: 'Bakı' });
  const { personId } = await ok(worker, 'POST', `/cases/${id}/people`, {
    role: 'victim',
    person: { name: { givenName: person.givenName, familyName: person.familyName }, sex: person.sex, birthYear: 1990, citizenship: 'AZE', languages: person.languages },
  });
  await ok(worker, 'POST', `/cases/${id}/events`, { type: 'exploitation', country: 'RU', description: 'Tikinti sahəsində işləyib' });
  await ok(worker, 'POST', `/cases/${id}/consents`, { personId, kind: 'data_sharing', agencyId: authority, purpose: 'identification', givenOn: today(), form: 'written' });
  const referral = await ok(worker, 'POST', `/cases/${id}/referrals`, { toAgencyId: authority, purpose: 'identification', sections: ['summary', 'people', 'events', 'screening', 'identification'], reason: 'Şübhəli əmək istismarı' });
  return { id, personId, referralId: referral.id as string, caseNumber: referral.summary.caseNumber as string };
}

const auditActions = async (recordId: string) =>
  (await t.db.selectFrom('auditLog').select(['action', 'changes']).where('recordId', '=', recordId).orderBy('seq').execute()).map((r) => ({ action: r.action, changes: r.changes as Record<string, unknown> }));

describe('the case summary PDF', () => {
  it('prints every section the reader may see, in their language, and nothing else; audited like the case page', async () => {
    const c = await referredCase({ givenName: 'Şəhla', familyName: 'Məmmədova', languages: [], sex: 'female' });
    const own = await call(worker, 'GET', `/reports/cases/${c.id}/summary?lang=az`);
    expect(own.statusCode).toBe(200);
    expect(own.headers['content-type']).toBe('application/pdf');
    const mine = await pdfText(own.rawPayload);
    expect(mine.text).toContain(`İşin xülasəsi: ${c.caseNumber}`);
    expect(mine.text).toContain('Şəhla Məmmədova');
    expect(mine.text).toContain('Qeydlər');
    expect(mine.text).toContain(NARRATIVE);
    expect(mine.text).toContain('Tikinti sahəsində işləyib');
    expect(mine.text).toContain('Məcburi əmək');
    expect(mine.text).toContain(`Səhifə 1 / ${mine.pages}`);

    // The identification officer: the referral opens the case once accepted, without its notes.
    expect((await call(officer, 'GET', `/reports/cases/${c.id}/summary`)).statusCode).toBe(404);
    await ok(officer, 'POST', `/referrals/${c.referralId}/accept`, {});
    const theirs = await call(officer, 'GET', `/reports/cases/${c.id}/summary?lang=ru`);
    expect(theirs.statusCode).toBe(200);
    const text = (await pdfText(theirs.rawPayload)).text;
    expect(text).toContain(`Сводка по делу: ${c.caseNumber}`);
    expect(text).toContain('Şəhla Məmmədova');
    expect(text).toContain('Tikinti sahəsində işləyib');
    expect(text).not.toContain(NARRATIVE);
    expect(text).not.toContain('Заметки');
    expect(text).toContain('Страница 1 из');

    // Someone the case is not open to learns nothing, as on the case page.
    expect((await call(outsider, 'GET', `/reports/cases/${c.id}/summary`)).statusCode).toBe(404);
    expect((await call(outsider, 'GET', `/cases/${c.id}`)).statusCode).toBe(404);
    expect((await call(worker, 'GET', `/reports/cases/${crypto.randomUUID()}/summary`)).statusCode).toBe(404);
    expect((await call(worker, 'GET', `/reports/cases/${c.id}/summary?lang=fr`)).json().error.fields).toHaveProperty('lang');

    const printed = (await auditActions(c.id)).filter((a) => a.action === 'case.summary_printed');
    expect(printed).toHaveLength(2);
    expect(printed[0]!.changes).toMatchObject({ language: 'az', via: 'agency' });
    expect(printed[0]!.changes.sections).toContain('notes');
    expect(printed[1]!.changes).toMatchObject({ language: 'ru', via: 'granted' });
    expect(printed[1]!.changes.sections).not.toContain('notes');
  });
});

describe('the identification decision letter', () => {
  it("is written in the victim's recorded language, else in the one chosen; refused to those who may not see the decision", async () => {
    const ru = await referredCase({ givenName: 'Ольга', familyName: 'Кузнецова', languages: ['uk', 'ru'], sex: 'female' });
    await ok(officer, 'POST', `/referrals/${ru.referralId}/accept`, {});
    const d = await ok(officer, 'POST', `/cases/${ru.id}/identification/decisions`, { personId: ru.personId, stage: 'reasonable_grounds', outcome: 'positive', decidedOn: today(), reasons: 'Паспорт отобран работодателем' });
    // The recorded language wins over the one asked for.
    const letter = await call(officer, 'GET', `/reports/cases/${ru.id}/decisions/${d.id}/letter?lang=en`);
    expect(letter.statusCode).toBe(200);
    const text = (await pdfText(letter.rawPayload)).text;
    expect(text).toContain('Решение о признании жертвой торговли людьми');
    expect(text).toContain('Ольга Кузнецова');
    expect(text).toContain('Есть разумные основания полагать, что вы являетесь жертвой торговли людьми.');
    expect(text).toContain('Паспорт отобран работодателем');
    expect(text).toContain('Ваш период восстановления и размышления длится до');
    expect(text).toContain('Baş İdarə');
    expect(text).not.toContain('Decision on identification');
    // The case's own agency may print it too.
    expect((await call(worker, 'GET', `/reports/cases/${ru.id}/decisions/${d.id}/letter`)).statusCode).toBe(200);

    const none = await referredCase({ givenName: 'Elvin', familyName: 'Əliyev', languages: [], sex: 'male' });
    await ok(officer, 'POST', `/referrals/${none.referralId}/accept`, {});
    const neg = await ok(officer, 'POST', `/cases/${none.id}/identification/decisions`, { personId: none.personId, stage: 'reasonable_grounds', outcome: 'negative', decidedOn: today(), reasons: 'Məlumat kifayət deyil' });
    const missing = await call(officer, 'GET', `/reports/cases/${none.id}/decisions/${neg.id}/letter`);
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.fields).toHaveProperty('lang');
    const az = await call(officer, 'GET', `/reports/cases/${none.id}/decisions/${neg.id}/letter?lang=az`);
    expect(az.statusCode).toBe(200);
    const azText = (await pdfText(az.rawPayload)).text;
    expect(azText).toContain('İnsan alverinin qurbanı kimi tanınma barədə qərar');
    expect(azText).toContain('Elvin Əliyev');
    expect(azText).toContain('Bu mərhələdə sizin insan alverinin qurbanı olduğunuza inanmaq üçün əsaslı səbəblər yoxdur.');
    expect(azText).toContain('Səhifə 1 / 1');

    expect((await call(outsider, 'GET', `/reports/cases/${none.id}/decisions/${neg.id}/letter?lang=az`)).statusCode).toBe(404);
    // A decision of another case is not found through this one.
    expect((await call(officer, 'GET', `/reports/cases/${none.id}/decisions/${d.id}/letter?lang=az`)).statusCode).toBe(404);
    expect((await call(officer, 'GET', `/reports/cases/${none.id}/decisions/${neg.id}/letter?lang=de`)).json().error.fields).toHaveProperty('lang');
    const printed = (await auditActions(none.id)).filter((a) => a.action === 'identification.letter_printed');
    expect(printed).toHaveLength(1);
    expect(printed[0]!.changes).toMatchObject({ decisionId: neg.id, language: 'az' });
  });
});

describe('the referral form', () => {
  it('shows sender, receiver, purpose and the shared sections only', async () => {
    const c = await referredCase({ givenName: 'Aygün', familyName: 'Qasımova', languages: ['az'], sex: 'female' });
    const before = (await pdfText((await call(officer, 'GET', `/reports/referrals/${c.referralId}/form?lang=en`)).rawPayload)).text;
    // Before accepting, the receiver sees the referral and its anonymous summary, not the case.
    expect(before).toContain(`Referral form: ${c.caseNumber}`);
    expect(before).toContain('Təmiz Dünya');
    expect(before).toContain('Baş İdarə');
    expect(before).toContain('Identification');
    expect(before).toContain('Şübhəli əmək istismarı');
    expect(before).toContain('The shared sections open to the receiving agency once it accepts the referral.');
    expect(before).not.toContain('Aygün Qasımova');

    const sent = await call(worker, 'GET', `/reports/referrals/${c.referralId}/form?lang=en`);
    expect(sent.statusCode).toBe(200);
    const text = (await pdfText(sent.rawPayload)).text;
    expect(text).toContain('Aygün Qasımova');
    expect(text).toContain('Tikinti sahəsində işləyib');
    // The sender may see the notes, but the referral does not share them.
    expect(text).not.toContain(NARRATIVE);
    expect(text).toContain('Page 1 of');

    expect((await call(outsider, 'GET', `/reports/referrals/${c.referralId}/form`)).statusCode).toBe(404);
    const actions = (await auditActions(c.id)).map((a) => a.action);
    expect(actions).toContain('referral.form_printed');
  });
});

describe('the annual report', () => {
  it('is a PDF with a cover, contents, the sections, charts and page numbers, for analysts only; bad year or language named', async () => {
    const year = Number(today().slice(0, 4));
    const res = await call(analyst, 'GET', `/reports/annual?year=${year}&lang=ru`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const { text, pages } = await pdfText(res.rawPayload);
    expect(text).toContain('Национальный доклад о борьбе с торговлей людьми');
    expect(text).toContain(`${year} год`);
    expect(text).toContain('Версия выпуска test');
    expect(text).toContain('Содержание');
    for (const s of ['Правоприменение', 'Защита', 'Предупреждение', 'Статистика для GRETA']) expect(text).toContain(s);
    expect(text).toContain('Жертвы в НМП по идентификации, полу и возрасту');
    expect(text).toContain('Правоохранительная деятельность: расследования, преследования, осуждения');
    expect(text).toContain(`Страница ${pages} из ${pages}`);
    // No names in an aggregate report.
    expect(text).not.toContain('Məmmədova');

    expect((await call(worker, 'GET', `/reports/annual?year=${year}`)).statusCode).toBe(403);
    expect((await call(analyst, 'GET', '/reports/annual?year=1999')).json().error.fields).toHaveProperty('year');
    expect((await call(analyst, 'GET', `/reports/annual?year=${year + 1}`)).json().error.fields).toEqual({ year: 'in the future' });
    expect((await call(analyst, 'GET', '/reports/annual?year=abc')).json().error.fields).toHaveProperty('year');
    expect((await call(analyst, 'GET', `/reports/annual?year=${year}&lang=fr`)).json().error.fields).toHaveProperty('lang');
    expect((await call(analyst, 'GET', `/reports/annual?year=${year}&format=docx`)).json().error.fields).toHaveProperty('format');
  });

  it('gives the same tables as XLSX, one sheet a table, with exactly the numbers of the national statistics for the year', async () => {
    const year = Number(today().slice(0, 4));
    const res = await call(analyst, 'GET', `/reports/annual?year=${year}&lang=az&format=xlsx`);
    expect(res.statusCode).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const names = book.worksheets.map((s) => s.name);
    expect(names[0]).toBe('Mündəricat');
    // One definition of every figure: the national statistics' tables, every one of them, cell by cell.
    const national = (await ok(analyst, 'GET', `/statistics/national?from=${year}-01-01&to=${year}-12-31&lang=az`)).tables as StatisticsTable[];
    // Every sheet but the action plan section's is a national table.
    expect(names.slice(1).filter((n) => !n.startsWith('action-plan-')).sort()).toEqual(national.map((x) => x.id).sort());
    expect(names).toEqual(expect.arrayContaining(['action-plan-plans', 'action-plan-late-measures', 'action-plan-indicators']));
    const rows = (name: string) => book.getWorksheet(name)!.getSheetValues().slice(2).map((r) => (r as unknown[]).slice(1));
    for (const table of national) {
      const expected = [...table.cells, ...table.totals].map((c) => [
        ...table.dimensions.map((d) => (d.id in c.key ? d.values.find((v) => v.code === c.key[d.id])!.label : 'Cəmi')),
        c.value,
      ]);
      const got = rows(table.id).slice(0, expected.length);
      expect(got, table.id).toEqual(expected);
    }
    // And the numbers are those of the records: every victim of this file's cases, the women among them.
    const victims = await t.db.selectFrom('casePeople as cp').innerJoin('people as p', 'p.id', 'cp.personId').select(['p.sex']).where('cp.role', '=', 'victim').execute();
    const female = victims.filter((v) => v.sex === 'female').length;
    expect(female).toBeGreaterThan(0);
    expect(rows('nrm-victims-status-sex-age')).toContainEqual(['Cəmi', 'Cəmi', 'Cəmi', victims.length]);
    expect(rows('nrm-victims-form-sex')).toContainEqual(['Cəmi', 'Qadın', female]);
    // The interim tables are gone.
    expect(names).not.toContain('nrm-victims-by-sex-age');
  });

  it('prints the national figures in the PDF: the same totals as the national statistics', async () => {
    const year = Number(today().slice(0, 4));
    const res = await call(analyst, 'GET', `/reports/annual?year=${year}&lang=en`);
    expect(res.statusCode).toBe(200);
    const { text } = await pdfText(res.rawPayload);
    const national = (await ok(analyst, 'GET', `/statistics/national?from=${year}-01-01&to=${year}-12-31&lang=en`)).tables as StatisticsTable[];
    for (const table of national) expect(text, table.id).toContain(table.title);
    const main = national.find((x) => x.id === 'nrm-victims-status-sex-age')!;
    const margin = (key: Record<string, string>) => main.totals.find((c) => Object.keys(c.key).length === Object.keys(key).length && Object.entries(key).every(([d, v]) => c.key[d] === v))!.value!;
    const ages = main.dimensions.find((d) => d.id === 'ageGroup')!.values;
    const statuses = main.dimensions.find((d) => d.id === 'status')!.values;
    expect(margin({})).toBeGreaterThan(0);
    // The table's total row and its chart, with the national statistics' numbers.
    expect(text).toContain(`Total ${ages.map((a) => margin({ ageGroup: a.code })).join(' ')} ${margin({})}`);
    expect(text).toContain(statuses.map((v) => `${v.label} ${margin({ status: v.code })}`).join(' '));
  });
});

describe("the annual report's action plan implementation section", () => {
  it('lists the plans in force, measures by derived status per agency, late measures and indicators with their latest value, in the PDF and the XLSX', async () => {
    const office = (await makeAgency(t.db, { type: 'coordinator' })).id;
    const coordinator = await user(['coordinator'], office);
    const labour = (await makeAgency(t.db, { type: 'government', name: 'Əmək Nazirliyi (test)' })).id;
    const health = (await makeAgency(t.db, { type: 'government', name: 'Səhiyyə Nazirliyi (test)' })).id;
    const labourFocal = await user(['plan_focal_point'], labour);
    const healthFocal = await user(['plan_focal_point'], health);
    const plan = (await ok(coordinator, 'POST', '/action-plan/plans', { title: 'NAP 2023–2025 (test)', actType: 'presidential_order', actNumber: '777', actDate: '2023-01-10', startYear: 2023, endYear: 2025, status: 'adopted' })).id;
    await ok(coordinator, 'POST', '/action-plan/plans', { title: 'Draft plan never adopted (test)', actType: 'law', startYear: 2023, endYear: 2024 });
    const measure = async (number: string, text: string, agency: string, deadline: unknown, indicators: unknown[] = []) => (await ok(coordinator, 'POST', `/action-plan/plans/${plan}/measures`, { number, text, responsibleAgencyId: agency, deadline, indicators })).id as string;
    await measure('1.1', 'Inspect recruitment agencies', labour, { kind: 'date', on: '2023-06-30' });
    const trained = await measure('1.2', 'Train labour inspectors', labour, { kind: 'year', year: 2025 }, [
      { definition: 'Inspectors trained', unit: 'count', baseline: 0, target: 200 },
      { definition: 'Victims in the NRM', unit: 'count', statisticsTable: 'nrm-victims-status-sex-age', statisticsKey: {} },
    ]);
    const hotline = await measure('2.1', 'Open a shelter clinic', health, { kind: 'year', year: 2023 });
    const indicatorId = (await ok(coordinator, 'GET', `/action-plan/measures/${trained}`)).indicators[0].id as string;
    const report = async (s: Session, measureId: string, progress: string, values: unknown[] = []) => {
      const r = await ok(s, 'POST', '/action-plan/reports', { measureId, period: 2023, progress, narrative: 'Done as planned', indicatorValues: values });
      await ok(coordinator, 'POST', `/action-plan/reports/${r.id}/review`, { version: r.version, decision: 'accept' });
    };
    await report(labourFocal, trained, 'in_progress', [{ indicatorId, value: 120 }]);
    await report(healthFocal, hotline, 'done');

    const pdf = await call(analyst, 'GET', '/reports/annual?year=2023&lang=en');
    expect(pdf.statusCode, pdf.body).toBe(200);
    const { text } = await pdfText(pdf.rawPayload);
    expect(text).toContain('Implementation of the national action plan');
    expect(text).toContain('Action plan measures by responsible agency and status, 2023');
    // Not started, on track, late, done, dropped, total.
    expect(text).toContain('Əmək Nazirliyi (test) 0 1 1 0 0 2');
    expect(text).toContain('Səhiyyə Nazirliyi (test) 0 0 0 1 0 1');
    expect(text).toContain('NAP 2023–2025 (test) (2023–2025, № 777, 2023-01-10): Adopted');
    expect(text).not.toContain('Draft plan never adopted');
    expect(text).toMatch(/Late measures\s*•\s*1\.1 Inspect recruitment agencies — Əmək Nazirliyi \(test\); Deadline: 2023-06-30/);
    expect(text).toContain('1.2 Inspectors trained (count): baseline 0, target 200, latest value 120 (2023)');
    // A linked indicator: the year's figure from the national tables, beside no reported value.
    const nrm = ((await call(analyst, 'GET', '/statistics/national?from=2023-01-01&to=2023-12-31')).json() as { tables: { id: string; totals: { key: object; value: number }[] }[] }).tables.find((x) => x.id === 'nrm-victims-status-sex-age')!;
    const victims2023 = nrm.totals.find((c) => Object.keys(c.key).length === 0)!.value;
    expect(text).toContain(`1.2 Victims in the NRM (count): baseline –, target –, latest value –; computed from the records for 2023: ${victims2023}`);
    const az = (await pdfText((await call(analyst, 'GET', '/reports/annual?year=2023&lang=az')).rawPayload)).text;
    expect(az).toContain('Milli fəaliyyət planının icrası');
    expect(az).toContain('Gecikən tədbirlər');

    const xlsx = await call(analyst, 'GET', '/reports/annual?year=2023&lang=ru&format=xlsx');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const rows = (name: string) => book.getWorksheet(name)!.getSheetValues().slice(1).map((r) => (r as unknown[]).slice(1));
    expect(rows('action-plan-agency-status').slice(1)).toContainEqual(['Əmək Nazirliyi (test)', 'Просрочена', 1]);
    // The grand total: both dimensions read "total".
    expect(rows('action-plan-agency-status').slice(1).filter((r) => r[0] === r[1] && r[2] === 3)).toHaveLength(1);
    expect(rows('action-plan-late-measures')).toEqual([['План', '№', 'Мера', 'Ответственное ведомство', 'Срок'], ['NAP 2023–2025 (test)', '1.1', 'Inspect recruitment agencies', 'Əmək Nazirliyi (test)', '2023-06-30']]);
    expect(rows('action-plan-indicators')[1]).toEqual(['NAP 2023–2025 (test)', '1.2', 'Inspectors trained', expect.any(String), '0', '200', '120', '2023', '']);
    expect(rows('action-plan-indicators')[2]).toEqual(['NAP 2023–2025 (test)', '1.2', 'Victims in the NRM', expect.any(String), '–', '–', '–', '', String(victims2023)]);
    expect(rows('action-plan-plans')[1]).toEqual(['NAP 2023–2025 (test)', '777', '2023-01-10', '2023–2025', expect.any(String)]);
  });
});
