import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { findRawTexts } from './text-checks.ts';

/** The WCAG 2.1 levels A and AA rules axe runs on every screen the browser journeys visit. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** The impacts that fail a journey; "minor" and "moderate" findings are left to review. */
const FAILING = new Set(['serious', 'critical']);

type Violation = Awaited<ReturnType<AxeBuilder['analyze']>>['violations'][number];

/** One readable line per failing element: rule, impact, where, and what axe says to do. */
export function describeViolations(name: string, violations: readonly Violation[]): string {
  const lines = [`Accessibility check of screen "${name}" found ${violations.length} serious or critical violation(s):`];
  for (const v of violations) {
    lines.push(`- ${v.id} (${v.impact}): ${v.help} (${v.helpUrl})`);
    for (const node of v.nodes.slice(0, 5)) {
      lines.push(`    at ${node.target.map(String).join(' > ')}${node.failureSummary ? `: ${node.failureSummary.replace(/\s+/g, ' ')}` : ''}`);
    }
    if (v.nodes.length > 5) lines.push(`    ... and ${v.nodes.length - 5} more`);
  }
  return lines.join('\n');
}

/**
 * Checks the page as it is now and throws when it fails: axe-core (WCAG 2.1 A and AA), naming each
 * rule, element and axe's help, on any serious or critical violation; and `findRawTexts`, on any
 * translation key, raw code, undefined/null/NaN, unfilled placeholder or ISO date shown to the user.
 * Called at every screen the journeys visit (from `screenshot` in browser.ts).
 */
export async function checkScreen(page: Page, name: string): Promise<void> {
  // A dialog or menu still fading in has half-transparent text, which axe would judge as low contrast:
  // check the screen as it settles (finite animations and transitions done; bounded on a busy machine).
  await page.evaluate(() =>
    Promise.race([
      Promise.all(document.getAnimations().filter((a) => a.effect?.getComputedTiming().endTime !== Infinity).map((a) => a.finished.catch(() => undefined))),
      new Promise((resolve) => setTimeout(resolve, 3000)),
    ]),
  );
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  const failing = results.violations.filter((v) => v.impact && FAILING.has(v.impact));
  if (failing.length > 0) throw new Error(describeViolations(name, failing));
  const raw = await findRawTexts(page);
  if (raw.length > 0) throw new Error(`Screen "${name}" shows raw codes or untranslated texts:\n- ${raw.join('\n- ')}`);
}
