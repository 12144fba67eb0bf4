import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import base from '../../src/web/i18n/en.json' with { type: 'json' };
import nrmEn from '../../src/web/i18n/modules/nrm/en.json' with { type: 'json' };
import docsEn from '../../src/web/i18n/modules/nrm-documents/en.json' with { type: 'json' };
import { makeAgency, makeUser, PASSWORD } from '../helpers/app.ts';
import { screenshot, startWebApp, type WebApp } from '../helpers/browser.ts';

const en = base;
const t = nrmEn.nrm;
const d = docsEn.nrmDocuments;
let web: WebApp;
beforeAll(async () => {
  web = await startWebApp();
});
afterAll(async () => {
  await web?.close();
});

/** A real PNG of w x h pixels of one colour, so that the browser can decode and show it. */
function png(w: number, h: number, rgb: [number, number, number]): Buffer {
  const table = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer) => {
    let c = 0xffffffff;
    for (const x of b) c = table[(c ^ x) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.concat(Array.from({ length: w }, () => Buffer.from(rgb)))]);
  const raw = Buffer.concat(Array.from({ length: h }, () => row));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

async function signIn(page: Page, email: string) {
  await page.goto('/login');
  await page.evaluate(() => localStorage.setItem('pathway.language', 'en'));
  await page.reload();
  await page.getByRole('textbox', { name: en.field.email, exact: true }).fill(email);
  await page.getByRole('textbox', { name: en.field.password, exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: en.signIn.submit }).click();
  await page.getByRole('heading', { name: en.home.welcome.replace('{{name}}', '') }).waitFor();
}

describe('documents on a case', () => {
  it('a case worker uploads a PNG; after a reload it is listed and its preview shows the picture', async () => {
    const ngo = await makeAgency(web.db, { name: 'Documents NGO', type: 'ngo' });
    const worker = await makeUser(web.db, { roles: ['case_worker'], agencyId: ngo.id });
    const page = await web.newPage();
    await signIn(page, worker.email);
    await page.goto('/cases/new');
    await page.getByRole('button', { name: t.cases.open }).click();
    await page.getByRole('heading', { name: new RegExp(`^${t.case.title} NRM-`) }).waitFor({ timeout: 30_000 });
    const caseUrl = page.url();

    const docs = page.getByTestId('case-documents');
    await docs.getByText(d.documents.none).waitFor();
    const picture = png(40, 30, [200, 30, 30]);
    await docs.locator('input[type=file]').setInputFiles({ name: 'passport-scan.png', mimeType: 'image/png', buffer: picture });
    await docs.getByRole('button', { name: d.documents.upload }).click();
    await docs.getByTestId('case-document').getByText('passport-scan.png').waitFor();

    await page.reload();
    await page.goto(caseUrl);
    const row = page.getByTestId('case-documents').getByTestId('case-document');
    await row.getByText('passport-scan.png').waitFor({ timeout: 30_000 });
    await row.getByRole('button', { name: d.documents.preview }).click();
    const img = page.getByTestId('case-documents').getByRole('img', { name: 'passport-scan.png' });
    await img.waitFor();
    await page.waitForFunction(() => {
      const el = document.querySelector<HTMLImageElement>('[data-testid="case-documents"] img');
      return el !== null && el.complete && el.naturalWidth > 0;
    });
    const size = await img.evaluate((el) => [(el as HTMLImageElement).naturalWidth, (el as HTMLImageElement).naturalHeight]);
    expect(size).toEqual([40, 30]);
    // The download link serves the same bytes, as an attachment.
    const href = await row.getByRole('link', { name: d.documents.download }).getAttribute('href');
    const res = await page.request.get(href!);
    expect(res.headers()['content-disposition']).toMatch(/^attachment; filename="passport-scan.png"/);
    expect(Buffer.from(await res.body()).equals(picture)).toBe(true);
    await screenshot(page, 'nrm-documents-preview');
  });
});
