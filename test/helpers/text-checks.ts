import type { Page } from 'playwright-core';
import { translations, type Tree } from '../../src/web/i18n/resources.ts';

/**
 * What a person must never read on a screen, whatever the language: a translation key
 * (`nrm.codes.caseStatus.active`), a raw code of a vocabulary (`forced_labour`), "undefined",
 * "null" or "NaN", an un-filled `{{placeholder}}`, or a date as YYYY-MM-DD (dates go through Intl).
 *
 * Keys and codes come from the translation files themselves: every key path is a key, and every
 * snake_case key name under a label table (`press.act.attempted_killing`) is a code.
 */
function flatten(tree: Tree, prefix = '', out = new Set<string>()): Set<string> {
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    out.add(key);
    if (typeof v !== 'string') flatten(v, key, out);
  }
  return out;
}

const PLURAL_OR_GENDER = /_(zero|one|two|few|many|other|female|male)$/;
const KEYS = new Set<string>();
const CODES = new Set<string>();
for (const tree of Object.values(translations)) {
  for (const key of flatten(tree)) {
    KEYS.add(key);
    KEYS.add(key.replace(PLURAL_OR_GENDER, ''));
    const last = key.split('.').at(-1)!.replace(PLURAL_OR_GENDER, '');
    if (/^[a-z][a-z0-9]*(_[a-z0-9]+)+$/.test(last)) CODES.add(last);
  }
}

type Shown = { text: string; where: string };

/** The page's visible text (by element, so that offenders come with their context) and its titles, labels and placeholders. */
async function shownTexts(page: Page): Promise<Shown[]> {
  return page.evaluate(() => {
    const out: { text: string; where: string }[] = [{ text: document.title, where: 'document title' }];
    // Codes shown on purpose as codes (the audit log's technical details) sit in <code>, <pre> or <kbd>.
    const technical = (el: Element | null) => Boolean(el?.closest('code, pre, kbd, script, style, noscript, template'));
    const visible = (el: Element) => {
      const box = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      return box.width > 0 && box.height > 0 && style.visibility !== 'hidden' && style.display !== 'none';
    };
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      const text = n.textContent?.trim();
      if (!text || !el || technical(el) || !visible(el)) continue;
      out.push({ text, where: `<${el.tagName.toLowerCase()}> ${(el.textContent ?? '').trim().slice(0, 120)}` });
    }
    for (const el of Array.from(document.querySelectorAll('[title], [aria-label], [placeholder], [alt]'))) {
      if (technical(el)) continue;
      for (const attr of ['title', 'aria-label', 'placeholder', 'alt']) {
        const v = el.getAttribute(attr)?.trim();
        if (v) out.push({ text: v, where: `${attr} of <${el.tagName.toLowerCase()}>` });
      }
    }
    // The choices of native selects are text a person reads too.
    for (const o of Array.from(document.querySelectorAll('select option'))) {
      const text = o.textContent?.trim();
      if (text && !technical(o)) out.push({ text, where: '<option>' });
    }
    return out;
  });
}

/** Every offending word on the page, with where it was found; [] when the page reads as it should. */
export async function findRawTexts(page: Page): Promise<string[]> {
  const offenders = new Set<string>();
  for (const { text, where } of await shownTexts(page)) {
    for (const m of text.matchAll(/(?<![\w.@/-])[a-zA-Z][\w]*(?:\.[a-zA-Z_][\w]*)+(?![\w@/-])/g)) {
      if (KEYS.has(m[0])) offenders.add(`translation key "${m[0]}" in ${where}`);
    }
    for (const m of text.matchAll(/(?<![\w.@/-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w@/-])/g)) {
      if (CODES.has(m[0])) offenders.add(`raw code "${m[0]}" in ${where}`);
    }
    for (const m of text.matchAll(/\b(undefined|null|NaN)\b/g)) offenders.add(`"${m[0]}" in ${where}`);
    if (text.includes('{{')) offenders.add(`an unfilled placeholder in ${where}`);
    for (const m of text.matchAll(/(?<![\d-])\d{4}-\d{2}-\d{2}(?![\d])/g)) offenders.add(`ISO date "${m[0]}" in ${where}`);
  }
  return [...offenders];
}
