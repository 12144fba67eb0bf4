import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { ProxyProcess } from './server.ts';

/**
 * The front proxy `--proxy-server nginx` (issue 16): Debian's nginx in one process (no master, one
 * worker) in place of the bench's own Node proxy (bench/proxy.ts), whose JavaScript costs each request
 * a share of the same two cores the servers need. As in docs/deployment.md: an upstream of the
 * servers with keep-alive connections, round robin, HTTP/1.1. Unlike it, as the Node proxy does:
 * `Host` goes on as the client sent it, port included (the Twilio signatures are over that URL), and
 * so does X-Forwarded-For (one without gets the socket's address; the servers trust one hop, so the
 * `login` scenario's per-attempt addresses count as without a proxy); no buffering anywhere (the
 * live streams pass); no retry on another upstream. Requests per process are counted from a
 * one-line-per-request access log of the upstream address.
 */

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, dir: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) {
      const log = fs.existsSync(path.join(dir, 'error.log')) ? fs.readFileSync(path.join(dir, 'error.log'), 'utf8') : '';
      throw new Error(`nginx exited (${child.exitCode}) before listening: ${log.trim()}`);
    }
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.end();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error('nginx did not listen within 10 s');
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function startNginx(ports: number[], log: (line: string) => void): Promise<ProxyProcess> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pathway-nginx-'));
  const port = await freePort();
  const access = path.join(dir, 'upstreams.log');
  const conf = `
daemon off;
master_process off;
worker_processes 1;
worker_shutdown_timeout 2s;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  log_format upstream '$upstream_addr';
  access_log ${access} upstream;
  keepalive_requests 1000000;
  keepalive_timeout 60s;
  map $http_x_forwarded_for $pathway_xff { "" $remote_addr; default $http_x_forwarded_for; }
  upstream pathway {
${ports.map((p) => `    server 127.0.0.1:${p};`).join('\n')}
    keepalive 64;
    keepalive_requests 1000000;
  }
  server {
    listen 127.0.0.1:${port};
    client_max_body_size 25m;
    location / {
      proxy_pass http://pathway;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $pathway_xff;
      proxy_buffering off;
      proxy_read_timeout 1h;
      proxy_next_upstream off;
    }
  }
}
`;
  fs.writeFileSync(path.join(dir, 'nginx.conf'), conf);
  const child = spawn('/usr/sbin/nginx', ['-p', dir, '-c', path.join(dir, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitForPort(port, child, dir);
  let from = 0;
  const counts = () => {
    const text = fs.existsSync(access) ? fs.readFileSync(access, 'utf8').slice(from) : '';
    return { n: ports.map((p) => text.split('\n').filter((l) => l.trim() === `127.0.0.1:${p}`).length) };
  };
  log(`bench: nginx pid ${child.pid} at http://127.0.0.1:${port} in front of ${ports.length} server process${ports.length === 1 ? '' : 'es'}`);
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    // nginx writes a request's line once its answer has gone: a moment for the last ones.
    requests: async () => {
      await new Promise((r) => setTimeout(r, 200));
      return counts().n;
    },
    reset: async () => {
      from = fs.existsSync(access) ? fs.readFileSync(access, 'utf8').length : 0;
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
