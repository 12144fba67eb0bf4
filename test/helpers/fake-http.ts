import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Recorded = { method: string; path: string; headers: http.IncomingHttpHeaders; body: string };
export type FakeAnswer = { status: number; json: unknown };

/**
 * A local HTTP server standing in for a provider's API (Twilio, Telegram): it records every request
 * and answers with the next queued answer, or with `fallback` when none is queued.
 */
export async function startFakeHttp(fallback: (r: Recorded) => FakeAnswer) {
  const requests: Recorded[] = [];
  const queue: FakeAnswer[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const r: Recorded = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body };
      requests.push(r);
      const a = queue.shift() ?? fallback(r);
      res.writeHead(a.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(a.json));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    /** Answers for the next requests, in order. */
    answer: (...answers: FakeAnswer[]) => queue.push(...answers),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
