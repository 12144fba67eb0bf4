import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireAuth } from '../../app.ts';
import { scopesFor } from '../../access/policy.ts';
import type { Principal } from '../../access/principal.ts';
import type { LiveEvent } from '../../live/hub.ts';
import { ErrorBody } from '../../../shared/schemas/common.ts';

/** The live rule, same as the list's: a contact event goes to those who may read the contact; an escalation to the alerted agencies. */
export function mayHear(p: Principal, e: LiveEvent): boolean {
  if (e.type === 'escalation') return e.alertedAgencyIds.includes(p.agencyId);
  // An operator's state: to themselves and to their agency's supervisors.
  if (e.type === 'operator_state') return e.userId === p.userId || (e.agencyId === p.agencyId && p.permissions.has('contacts:supervise'));
  const scopes = scopesFor(p, 'contact', 'read');
  if (scopes.has('all')) return true;
  if (scopes.has('agency') && e.ownerAgencyId === p.agencyId) return true;
  // "Own" holds only within the user's agency, as in the policy engine.
  return scopes.has('own') && e.assignedUserId === p.userId && e.ownerAgencyId === p.agencyId;
}

export const HEARTBEAT_MS = 25_000;

export const contactStreamRoutes: FastifyPluginAsyncZod = async (app) => {
  // Open streams end when the server closes, so that close() does not wait for browsers.
  const open = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of open) end();
  });

  app.get('/contacts/stream', {
    schema: {
      tags: ['contacts'],
      summary: 'Live queue (server-sent events): `contact` when a contact arrives or changes, `escalation` for alerts to your agency, `operator_state` for yours and (supervisors) your agency\'s operators',
      description: 'text/event-stream. First event `ready`; then `contact`, `escalation` and `operator_state` events with JSON data (ids, status, channel, urgency: no personal data); a comment line every 25 s keeps proxies from closing it. Reload the queue after a reconnect.',
      response: { 200: z.string(), 401: ErrorBody, 403: ErrorBody },
    },
  }, async (req, reply) => {
    const p = requireAuth(req).principal;
    await app.live.start();
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-request-id': req.id,
    });
    const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    send('ready', { at: new Date().toISOString() });
    const unsubscribe = app.live.subscribe((e) => {
      if (mayHear(p, e)) send(e.type, e);
    });
    const beat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    const end = () => {
      clearInterval(beat);
      unsubscribe();
      open.delete(end);
      res.end();
    };
    open.add(end);
    req.raw.on('close', end);
  });
};
