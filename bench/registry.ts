import fs from 'node:fs';
import path from 'node:path';
import type { Scenario } from './scenario.ts';

/** Every file in bench/scenarios/ is a scenario: adding one is adding a file. */
export async function loadScenarios(): Promise<Scenario[]> {
  const dir = path.join(import.meta.dirname, 'scenarios');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.ts')).sort();
  const scenarios: Scenario[] = [];
  for (const f of files) {
    const mod = (await import(path.join(dir, f))) as { default?: Scenario };
    if (!mod.default?.name || typeof mod.default.request !== 'function') throw new Error(`bench/scenarios/${f} has no default export of a Scenario`);
    if (scenarios.some((s) => s.name === mod.default!.name)) throw new Error(`two scenarios are named ${mod.default.name}`);
    scenarios.push(mod.default);
  }
  return scenarios;
}
