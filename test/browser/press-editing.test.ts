import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import en from '../../src/web/i18n/en.json' with { type: 'json' };
import pe from '../../src/web/i18n/modules/press-editing/en.json' with { type: 'json' };
import { makeUser, signIn as apiSignIn } from '../helpers/app.ts';
import { screenshot, startWebApp, type WebApp, signInInEnglish } from '../helpers/browser.ts';

const t = pe.pressEditing;
let web: WebApp;
beforeAll(async () => {
  web = await startWebApp();
});
afterAll(async () => {
  await web?.close();
});


describe('press freedom: editing', () => {
  it("a monitor edits an incident's fields, records a request to the state and its reply, links two incidents, and dates a journalist's affiliation; all still there after reload", async () => {
    const user = await makeUser(web.db, { roles: ['press_monitor'] });
    // What the monitor starts from, recorded through the API: an outlet, a journalist, two incidents.
    const s = await apiSignIn(web.app, user.email);
    const post = async (url: string, payload: object) => {
      const res = await web.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: s.headers, payload });
      expect(res.statusCode, res.body).toBe(201);
      return res.json() as { id: string };
    };
    const outlet = await post('/press/outlets', { name: 'Bizim Yol', medium: 'print' });
    await post('/press/outlets', { name: 'Azadliq', aliases: ['Azadlıq'], medium: 'print' });
    const person = await post('/press/persons', { name: 'Bahaddin Haziyev', aliases: ['Bahaddin Khaziyev', 'Bəhəddin Həziyev'] });
    const abduction = await post('/press/incidents', { title: 'Abduction of Bahaddin Haziyev', occurred: '2006-05', acts: [{ personId: person.id, actType: 'abduction', outcome: 'seriously_injured' }] });
    await post('/press/incidents', { title: 'Arrest of protesters demanding justice', occurred: '2006-06-09', acts: [{ outletId: outlet.id, actType: 'arbitrary_detention' }] });

    const page = await web.newPage();
    await signInInEnglish(page, user.email);
    await page.goto(`/press/${abduction.id}`);
    await page.getByRole('heading', { name: 'Abduction of Bahaddin Haziyev', level: 1 }).waitFor();

    // The incident's own fields: a sharper title, the day (with the other date sources give), the place.
    await page.getByRole('button', { name: t.incident.edit }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('textbox', { name: en.press.field.title }).fill('Abduction and beating of Bahaddin Haziyev');
    await dialog.getByRole('textbox', { name: en.press.field.date }).fill('2006-05-18');
    await dialog.getByRole('textbox', { name: en.press.field.disputed }).fill('2006-05-19');
    await dialog.getByRole('textbox', { name: t.incident.dateNote }).fill('Abducted in the night of 18 to 19 May');
    await dialog.getByRole('textbox', { name: en.press.field.city, exact: true }).fill('Baku');
    await dialog.getByRole('combobox', { name: t.incident.context }).selectOption('street');
    await dialog.getByRole('combobox', { name: t.incident.priorThreats }).selectOption('true');
    // A bad date is refused beside its field and nothing is saved.
    await dialog.getByRole('textbox', { name: en.press.field.disputed }).fill('2006-05-32');
    await dialog.getByRole('button', { name: en.press.save }).click();
    await dialog.getByText('a date as YYYY, YYYY-MM or YYYY-MM-DD').waitFor();
    await dialog.getByRole('textbox', { name: en.press.field.disputed }).fill('2006-05-19');
    await screenshot(page, 'press-edit-incident');
    await dialog.getByRole('button', { name: en.press.save }).click();
    await page.getByRole('heading', { name: 'Abduction and beating of Bahaddin Haziyev', level: 1 }).waitFor();
    await page.getByText('18 May 2006 / 19 May 2006 · Baku').waitFor();

    // A request to the Council of Europe, then the state's reply.
    const requests = page.getByTestId('state-requests');
    await requests.getByRole('combobox', { name: t.requests.mechanism }).selectOption('council_of_europe');
    await requests.getByRole('textbox', { name: t.requests.requestedOn }).fill('2006-06-01');
    await requests.getByRole('button', { name: t.requests.add }).click();
    const request = requests.getByTestId('state-request').filter({ hasText: t.mechanism.council_of_europe });
    await request.getByText(t.requests.unanswered).waitFor();
    await request.getByRole('button', { name: t.requests.recordReply }).click();
    // An answer before the request is refused.
    await request.getByRole('textbox', { name: t.requests.answeredOn }).fill('2006-05-01');
    await request.getByRole('textbox', { name: t.requests.reply }).fill('The investigation is ongoing.');
    await request.getByRole('button', { name: t.requests.saveReply }).click();
    await request.getByText('before requestedOn').waitFor();
    await request.getByRole('textbox', { name: t.requests.answeredOn }).fill('2006-08-15');
    await request.getByRole('button', { name: t.requests.saveReply }).click();
    await request.getByText('15/08/2006: The investigation is ongoing.').waitFor();

    // The arrest of the protesters was retaliation: found by a word of its title, linked.
    const links = page.getByTestId('links');
    await links.getByRole('searchbox', { name: t.links.find }).fill('protesters');
    const choice = links.getByRole('combobox', { name: t.links.incident });
    await expect.poll(async () => (await choice.textContent()) ?? '').toContain('Arrest of protesters demanding justice');
    await links.getByRole('combobox', { name: t.links.kind }).selectOption('retaliation');
    await links.getByRole('textbox', { name: t.links.note }).fill('Protesters demanded justice for him');
    await links.getByRole('button', { name: t.links.add }).click();
    await links.getByTestId('link').filter({ hasText: t.linkKind.retaliation }).getByRole('link', { name: 'Arrest of protesters demanding justice' }).waitFor();
    await screenshot(page, 'press-requests-links');

    // After a reload everything is still there.
    await page.reload();
    await page.getByRole('heading', { name: 'Abduction and beating of Bahaddin Haziyev', level: 1 }).waitFor();
    await page.getByText('18 May 2006 / 19 May 2006 · Baku').waitFor();
    await page.getByTestId('state-request').filter({ hasText: '15/08/2006: The investigation is ongoing.' }).waitFor();
    await page.getByTestId('link').filter({ hasText: 'Arrest of protesters demanding justice' }).waitFor();
    // The linked incident is one click away.
    await page.getByTestId('link').getByRole('link', { name: 'Arrest of protesters demanding justice' }).click();
    await page.getByRole('heading', { name: 'Arrest of protesters demanding justice', level: 1 }).waitFor();
    await page.goBack();
    await page.getByRole('heading', { name: 'Abduction and beating of Bahaddin Haziyev', level: 1 }).waitFor();

    // The journalist: his outlet, from 2001; then the end of that link, to the month.
    await page.getByRole('link', { name: 'Bahaddin Haziyev', exact: true }).click();
    await page.getByRole('heading', { name: 'Bahaddin Haziyev', level: 1 }).waitFor();
    const affiliations = page.getByTestId('affiliations');
    await affiliations.getByText(t.affiliation.none).waitFor();
    await affiliations.getByRole('searchbox', { name: t.affiliation.findOutlet }).fill('Bizim');
    const outletChoice = affiliations.getByRole('combobox', { name: t.affiliation.outlet });
    await expect.poll(async () => (await outletChoice.textContent()) ?? '').toBe('Bizim Yol');
    await affiliations.getByRole('textbox', { name: t.affiliation.role }).fill('Editor-in-chief');
    await affiliations.getByRole('combobox', { name: t.affiliation.employment }).selectOption('staff');
    await affiliations.getByRole('textbox', { name: t.affiliation.from }).fill('2001');
    await affiliations.getByRole('button', { name: t.affiliation.add }).click();
    const row = affiliations.getByTestId('affiliation').filter({ hasText: 'Bizim Yol' });
    await expect.poll(() => row.getByTestId('affiliation-dates').textContent()).toBe(`2001 – ${t.affiliation.present}`);
    await row.getByRole('button', { name: t.affiliation.editNamed.replace('{{name}}', 'Bizim Yol') }).click();
    // An end before the start is refused beside the field.
    await row.getByRole('textbox', { name: t.affiliation.until }).fill('2000');
    await row.getByRole('button', { name: en.press.save }).click();
    await row.getByText('before from').waitFor();
    await row.getByRole('textbox', { name: t.affiliation.until }).fill('2006-05');
    await row.getByRole('button', { name: en.press.save }).click();
    await expect.poll(() => row.getByTestId('affiliation-dates').textContent()).toBe('2001 – 2006-05');
    // A new spelling of his name, from the same screen.
    await page.getByRole('textbox', { name: t.person.aliases }).fill('Bahaddin Khaziyev\nBəhəddin Həziyev\nБахаддин Хазиев');
    await page.getByRole('button', { name: en.press.save }).click();
    await page.getByText(t.saved).waitFor();
    await screenshot(page, 'press-person');

    await page.reload();
    await page.getByRole('heading', { name: 'Bahaddin Haziyev', level: 1 }).waitFor();
    const after = page.getByTestId('affiliation').filter({ hasText: 'Bizim Yol' });
    await expect.poll(() => after.getByTestId('affiliation-dates').textContent()).toBe('2001 – 2006-05');
    await after.getByText(`Editor-in-chief, ${t.employment.staff}`).waitFor();
    await page.getByText('Bahaddin Khaziyev · Bəhəddin Həziyev · Бахаддин Хазиев').waitFor();

    // A new outlet, recorded and then corrected from the list of journalists and outlets.
    await page.getByRole('navigation', { name: en.nav.main }).getByRole('link', { name: t.nav.people }).click();
    await page.getByRole('heading', { name: t.people.title, level: 1 }).waitFor();
    await page.getByRole('button', { name: t.outlet.add }).click();
    const outletDialog = page.getByRole('dialog');
    await outletDialog.getByRole('textbox', { name: t.person.name, exact: true }).fill('Gündəlik Azərbaycan');
    await outletDialog.getByRole('textbox', { name: t.person.aliases }).fill('Gundelik Azerbaijan');
    await outletDialog.getByRole('button', { name: en.press.save }).click();
    await outletDialog.waitFor({ state: 'detached' });
    await page.getByRole('searchbox', { name: en.press.search }).fill('Gundelik');
    const outletRow = page.getByTestId('outlet-row').filter({ hasText: 'Gündəlik Azərbaycan' });
    await outletRow.getByText('Gundelik Azerbaijan').waitFor();
    await outletRow.getByRole('button', { name: t.outlet.editNamed.replace('{{name}}', 'Gündəlik Azərbaycan') }).click();
    await page.getByRole('dialog').getByRole('combobox', { name: t.outlet.medium }).selectOption('print');
    await page.getByRole('dialog').getByRole('button', { name: en.press.save }).click();
    await outletRow.getByText(t.medium.print).waitFor();
    await page.reload();
    await page.getByTestId('outlet-row').filter({ hasText: 'Gündəlik Azərbaycan' }).getByText(t.medium.print).waitFor();

    // The incident is found by the new spelling (in Cyrillic) on the incidents list.
    await page.goto('/press');
    await page.getByRole('searchbox', { name: en.press.search }).fill('Хазиев');
    await page.getByTestId('press-row').filter({ hasText: 'Abduction and beating of Bahaddin Haziyev' }).waitFor();
  });

  it('an analyst computes the impunity index with its parameters; it is stored and listed with them', async () => {
    const analyst = await makeUser(web.db, { roles: ['analyst'] });
    const page = await web.newPage();
    await signInInEnglish(page, analyst.email);
    await page.getByRole('navigation', { name: en.nav.main }).getByRole('link', { name: t.nav.index }).click();
    await page.getByRole('heading', { name: t.index.title, level: 1 }).waitFor();
    await page.getByText(t.index.none).waitFor();
    await page.getByRole('textbox', { name: t.index.endYear }).fill('2015');
    await page.getByRole('textbox', { name: t.index.populationField, exact: true }).fill('9500000');
    await page.getByRole('textbox', { name: t.index.populationSource }).fill('State Statistical Committee');
    await page.getByRole('textbox', { name: t.index.populationYear }).fill('2015');
    // An analyst computes a figure but does not publish it.
    expect(await page.getByRole('checkbox', { name: t.index.publish }).count()).toBe(0);
    await page.getByRole('button', { name: t.index.computeButton }).click();
    const row = page.getByTestId('index-row').first();
    await row.getByText('2006–2015').waitFor();
    await row.getByText('9,500,000 (State Statistical Committee, 2015)').waitFor();
    await row.getByText(t.index.draft).waitFor();
    await page.reload();
    await page.getByTestId('index-row').first().getByText('State Statistical Committee', { exact: false }).waitFor();
  });
});
