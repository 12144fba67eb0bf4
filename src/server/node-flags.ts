/**
 * The Node flags the server runs with in production, wherever it is started: `npm start` and
 * `npm run demo` (package.json), the container image (Dockerfile), the systemd unit of
 * docs/deployment.md; and in the benchmarks (bench/server.ts). Checked to agree by node-flags.test.ts.
 *
 * V8 sizes its heap to the machine: on one with 16 GB or more it may grow the old generation to 4 GB
 * and lets garbage pile up far above what a Pathway process keeps alive (about 65 MB) before
 * collecting it. Capping the old generation at 1 GB (what V8 picks by itself on a 4 GB machine) makes
 * it collect sooner; semi-spaces of 8 MB (instead of 16) halve the young generation. Together they
 * keep a process under load at about 220 to 270 MB of resident memory instead of 270 to 520 MB,
 * with no measurable cost in CPU per request (docs/benchmarks.md, "Memory per process").
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-old-space-size=1024', '--max-semi-space-size=8'];
