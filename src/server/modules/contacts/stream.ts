import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireAuth } from '../../app.ts';
import { recheckCaller, toPrincipal } from '../../auth/authenticate.ts';
import { scopesFor } from '../../access/policy.ts';
import type { Principal } from '../../access/principal.ts';
import type { LiveEvent } from '../../live/hub.ts';
import { ErrorBody } from '../../../shared/schemas/common.ts';
import { mayAnswerEscalations } from '../operators/escalations.ts';
import { worksContacts } from '../operators/presence.ts';

/** The live rule, same as the list's: a contact event goes to those who may read the contact; an escalation to the alerted agencies. */
export function mayHear(p: Principal, e: LiveEvent): boolean {
  if (e.type === 'access_changed') return false;
  if (e.type === 'escalation') return e.alertedAgencyIds.includes(p.agencyId) && mayAnswerEscalations(p);
  // An operator's state: to themselves and to their agency's supervisors.
  if (e.type === 'operator_state') return e.userId === p.userId || (e.agencyId === p.agencyId && p.permissions.has('contacts:supervise'));
  const scopes = scopesFor(p, 'contact', 'read');
  if (scopes.has('all')) return true;
  if (scopes.has('agency') && e.ownerAgencyId === p.agencyId) return true;
  // "Own" holds only within the user's agency, as in the policy engine.
  return scopes.has('own') && e.assignedUserId === p.userId && e.ownerAgencyId === p.agencyId;
}

export const HEARTBEAT_MS = 25_000;
/** How long a re-check of the caller is trusted for the events that follow it (see below). */
export const RECHECK_MS = 2_000;

export const contactStreamRoutes: FastifyPluginAsyncZod = async (app) => {
  // Open streams end when the server closes, so that close() does not wait for browsers.
  const open = new Set<() => void>();
  // A server shutting down closes its streams without putting their operators offline (presence):
  // the consoles reconnect, to another process if there is one.
  let shuttingDown = false;
  app.addHook('preClose', async () => {
    shuttingDown = true;
    for (const end of open) end();
  });

  app.get('/contacts/stream', {
    schema: {
      tags: ['contacts'],
      summary: 'Live queue (server-sent events): `contact` when a contact arrives or changes, `escalation` for alerts to your agency, `operator_state` for yours and (supervisors) your agency\'s operators; an open stream keeps an operator present',
      description: 'text/event-stream. First event `ready`; then `contact`, `escalation` and `operator_state` events with JSON data (ids, status, channel, urgency: no personal data); a comment line every 25 s keeps proxies from closing it. Reload the queue after a reconnect. The caller is checked again before every event: when their session or token ends (sign-out, revocation, password change), or they are disabled or moved to another agency, an `end` event is sent and the stream closes. For users who work contacts the open stream is their presence: an available or on-break operator with no open stream for PATHWAY_PRESENCE_TIMEOUT_SECONDS (45) becomes `offline`.',
      response: { 200: z.string(), 401: ErrorBody, 403: ErrorBody },
    },
  }, async (req, reply) => {
    const opened = requireAuth(req).principal;
    const { db, config } = app.deps;
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

    // A stream outlives the request that authorised it, so the caller is checked again before every
    // event (and every heartbeat): the session or token still live, the user still active and in the
    // agency they opened it in, with their roles as they are now. A check is trusted for RECHECK_MS;
    // an `access_changed` notification about the caller (signed out, token revoked, disabled, moved,
    // new password or roles) makes the next check go to the database at once. Events are handled in
    // order, one after the other, so none slips past a check in flight.
    let p = opened;
    let generation = 0;
    let checked = { generation: 0, at: Date.now() };
    let ended = false;
    let queue = Promise.resolve();
    const stillAllowed = async (): Promise<boolean> => {
      if (checked.generation === generation && Date.now() - checked.at < RECHECK_MS) return true;
      const at = { generation, at: Date.now() };
      const user = await recheckCaller(db, p, { idleMinutes: config.sessionIdleMinutes, demo: config.demo, publicUrl: config.publicUrl });
      if (!user || user.agencyId !== opened.agencyId) return false;
      p = toPrincipal(user, p.via, p.sessionId, p.tokenId);
      checked = at;
      return true;
    };
    const concernsCaller = (e: LiveEvent & { type: 'access_changed' }) =>
      e.userId === p.userId || e.agencyId === opened.agencyId || (e.userId === null && e.agencyId === null);
    const handle = (e: LiveEvent | null) => {
      if (e?.type === 'access_changed') {
        if (!concernsCaller(e)) return;
        generation++;
      }
      queue = queue
        .then(async () => {
          if (ended) return;
          if (!(await stillAllowed())) return end('access_ended');
          if (e === null) res.write(': keep-alive\n\n');
          else if (mayHear(p, e)) send(e.type, e);
        })
        .catch((err: unknown) => {
          req.log.warn({ err: { message: (err as Error).message } }, 'live stream re-check failed');
          end('error');
        });
    };
    const unsubscribe = app.live.subscribe(handle);
    // The process's LISTEN connection was lost and is back (a database restart): events may have been
    // missed, so the console is told to reload, as after its own reconnect.
    const unResync = app.live.onResync(() => {
      queue = queue.then(() => {
        if (!ended) send('ready', { at: new Date().toISOString() });
      });
    });
    const beat = setInterval(() => handle(null), HEARTBEAT_MS);
    // Presence: while this stream is open (and its caller still allowed) the operator's console is open.
    const presence = worksContacts(opened) ? app.presence.open(opened.userId) : null;
    const presenceBeat = () => {
      queue = queue
        .then(async () => {
          if (ended || !presence || !(await stillAllowed())) return;
          await presence.beat();
        })
        .catch((err: unknown) => req.log.warn({ err: { message: (err as Error).message } }, 'console presence beat failed'));
    };
    presenceBeat();
    const presenceTimer = presence ? setInterval(presenceBeat, app.presence.beatMs) : null;
    const end = (reason?: string) => {
      if (ended) return;
      ended = true;
      clearInterval(beat);
      if (presenceTimer) clearInterval(presenceTimer);
      // After a beat in flight, so that it cannot bring the closed stream's row back.
      const check = !shuttingDown;
      if (presence) void queue.then(() => presence.close(check)).catch((err: unknown) => req.log.warn({ err: { message: (err as Error).message } }, 'console presence close failed'));
      unsubscribe();
      unResync();
      open.delete(closeNow);
      // Tells the console why; its reconnect then meets the usual 401 if the session is gone.
      if (reason && !res.writableEnded) send('end', { reason });
      res.end();
    };
    const closeNow = () => end();
    open.add(closeNow);
    req.raw.on('close', closeNow);
  });
};
