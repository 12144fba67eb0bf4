import type { WebApp } from './browser.ts';
import { makeUser, signIn } from './app.ts';

async function call(web: WebApp, headers: Record<string, string>, method: 'POST', url: string, payload?: object): Promise<{ id: string }> {
  const res = await web.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  return res.json();
}

/** A press-freedom incident recorded by a monitor and published by a reviewer, through the API. */
export async function publishedIncident(web: WebApp, title = 'Beating of Uzeyir Jafarov, a reporter of the Baku daily “Azadlıq” at the court'): Promise<{ id: string; title: string }> {
  const monitor = await makeUser(web.db, { roles: ['press_monitor'] });
  const reviewer = await makeUser(web.db, { roles: ['press_reviewer'], agencyId: monitor.agencyId });
  const m = (await signIn(web.app, monitor.email)).headers;
  const r = (await signIn(web.app, reviewer.email)).headers;
  const person = await call(web, m, 'POST', '/api/v1/press/persons', { name: 'Uzeyir Jafarov' });
  const incident = await call(web, m, 'POST', '/api/v1/press/incidents', { title, occurred: '2007-04-20', city: 'Baku', acts: [{ personId: person.id, actType: 'assault', outcome: 'injured' }] });
  await call(web, r, 'POST', `/api/v1/press/incidents/${incident.id}/publish`);
  return { id: incident.id, title };
}

/** An NRM case opened directly by a case worker (returned with the worker's e-mail to sign in with). */
export async function openCase(web: WebApp): Promise<{ id: string; email: string }> {
  const worker = await makeUser(web.db, { roles: ['case_worker'] });
  const h = (await signIn(web.app, worker.email)).headers;
  const c = await call(web, h, 'POST', '/api/v1/cases', { region: 'Gəncə' });
  return { id: c.id, email: worker.email };
}
