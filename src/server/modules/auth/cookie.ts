import type { FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_COOKIE } from '../../auth/authenticate.ts';

/** HttpOnly, SameSite=Lax; Secure whenever the browser reached us over HTTPS. */
export function setSessionCookie(req: FastifyRequest, reply: FastifyReply, token: string, expiresAt: Date): void {
  const publicUrl = req.server.deps.config.publicUrl;
  const secure = req.protocol === 'https' || (publicUrl?.startsWith('https:') ?? false);
  reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure, path: '/', expires: expiresAt });
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}
