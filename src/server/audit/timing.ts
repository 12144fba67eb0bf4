import { EventEmitter } from 'node:events';

/**
 * Told how long each audit append took, in seconds (lock wait included): the metrics listen
 * (metrics/metrics.ts). An emitter rather than an import of the metrics, so the audit log depends on
 * nothing and costs nothing when no one listens.
 */
export const auditAppendTimes = new EventEmitter<{ append: [seconds: number] }>();

export function timedAppend<T>(work: () => Promise<T>): Promise<T> {
  if (auditAppendTimes.listenerCount('append') === 0) return work();
  const started = performance.now();
  return work().finally(() => auditAppendTimes.emit('append', (performance.now() - started) / 1000));
}
