import type { FastifyReply, FastifyRequest } from 'fastify';
import { secureCookies, sessionCookieName } from '../../auth/cookies.ts';

/** HttpOnly, SameSite=Lax, Path=/, no Domain; Secure and named `__Host-...` whenever the browser reached us over HTTPS (see cookies.ts). */
export function setSessionCookie(req: FastifyRequest, reply: FastifyReply, token: string, expiresAt: Date): void {
  const secure = secureCookies(req, req.server.deps.config.publicUrl);
  reply.setCookie(sessionCookieName(secure), token, { httpOnly: true, sameSite: 'lax', secure, path: '/', expires: expiresAt });
}

export function clearSessionCookie(req: FastifyRequest, reply: FastifyReply): void {
  const secure = secureCookies(req, req.server.deps.config.publicUrl);
  reply.clearCookie(sessionCookieName(secure), { path: '/', secure, httpOnly: true, sameSite: 'lax' });
}
