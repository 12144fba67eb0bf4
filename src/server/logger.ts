import type { FastifyServerOptions } from 'fastify';

/**
 * JSON logs with request ids. Headers that carry credentials are removed, and request and response
 * bodies are never logged, so passwords, tokens and victims' data stay out of the log.
 */
export function loggerOptions(level: string): FastifyServerOptions['logger'] {
  return {
    level,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["x-csrf-token"]',
        'res.headers["set-cookie"]',
        '*.password',
        '*.token',
      ],
      censor: '[redacted]',
    },
    serializers: {
      req: (req: { method: string; url: string; id: string; ip?: string }) => ({
        method: req.method,
        // Query strings may carry search terms (names): keep only the path.
        url: req.url.split('?')[0],
        id: req.id,
      }),
    },
  };
}
