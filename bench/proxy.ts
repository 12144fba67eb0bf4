/**
 * The bench's front proxy for `--processes N` (issue 16, "Scale out"): a small round-robin HTTP/1.1
 * proxy in a process of its own (so that it shares no event loop with the load generator), keeping
 * keep-alive connections to the Pathway processes on 127.0.0.1.
 *
 *   node --import tsx bench/proxy.ts PORT [PORT...]
 *
 * Prints `listening http://127.0.0.1:<port>` when ready. Each request goes to the next process in
 * turn. The request goes on as the client sent it, Host and X-Forwarded-For included (the bench
 * client's X-Forwarded-For stands for the real client's address, as without the proxy; only a request
 * without one gets the client socket's address): the servers trust one proxy hop
 * (PATHWAY_TRUST_PROXY=1), and the Twilio signatures are over the URL the client used. Answers are
 * piped back as their bytes arrive, so live streams (SSE) pass unbuffered.
 *
 * Over the IPC channel of its parent: `{ id, cmd: 'stats' }` answers `{ id, requests }`, how many
 * requests each process was sent (in the order of the ports); `{ id, cmd: 'reset' }` answers the same
 * and sets the counts to zero. It exits when its parent goes.
 */
import http from 'node:http';

const ports = process.argv.slice(2).map(Number);
if (ports.length === 0 || ports.some((p) => !Number.isInteger(p) || p <= 0 || p > 65535)) {
  process.stderr.write('usage: bench/proxy.ts PORT [PORT...]\n');
  process.exit(2);
}

const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 256 });
const requests = ports.map(() => 0);
let next = 0;

/** Hop-by-hop headers (RFC 9110 7.6.1): each connection has its own. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-authenticate', 'proxy-authorization']);

function endToEnd<T extends http.IncomingHttpHeaders>(headers: T): T {
  const named = String(headers.connection ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  const out = { ...headers };
  for (const name of Object.keys(out)) if (HOP_BY_HOP.has(name) || named.includes(name)) delete out[name];
  return out;
}

const server = http.createServer({ noDelay: true, keepAliveTimeout: 60_000 }, (req, res) => {
  const i = next;
  next = (next + 1) % ports.length;
  requests[i]!++;
  const headers = endToEnd(req.headers);
  headers['x-forwarded-for'] ??= req.socket.remoteAddress ?? '127.0.0.1';
  const up = http.request({ host: '127.0.0.1', port: ports[i], method: req.method, path: req.url, headers, agent }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.statusMessage, endToEnd(answer.headers));
    // A stream's headers (no length) go at once, not with its first event.
    if (answer.headers['content-length'] === undefined) res.flushHeaders();
    answer.pipe(res);
    answer.on('error', () => res.destroy());
  });
  up.on('socket', (socket) => socket.setNoDelay(true));
  up.on('error', (e) => {
    if (res.headersSent) res.destroy();
    else res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' }).end(`bench proxy: process ${i + 1} (port ${ports[i]}): ${e.message}`);
  });
  // The client went away (a closed live stream): so does the request to the process.
  res.on('close', () => {
    if (!res.writableFinished) up.destroy();
  });
  req.pipe(up);
});

type Command = { id: number; cmd: 'stats' | 'reset' };
process.on('message', (m: Command) => {
  const answer = { id: m.id, requests: [...requests] };
  if (m.cmd === 'reset') requests.fill(0);
  process.send?.(answer);
});
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  process.stdout.write(`listening http://127.0.0.1:${port}\n`);
});
