import { fieldAad, type Keys } from './keys.ts';

/**
 * The keys that seal identifying fields at rest (person names, dates of birth, contactors' details),
 * bound once per process by `buildApp` (or a command-line tool) from the master key.
 *
 * Repositories of several modules read and write these fields (a case page reads its people's names,
 * an export writes them out): they take the keys from here rather than through every service's
 * arguments. A process has one master key; binding a different one is refused, so that two apps in one
 * process can never seal with one key and read with another.
 */
let bound: Keys | undefined;
let fingerprint: string | undefined;

export function bindRecordKeys(keys: Keys): void {
  const print = keys.pseudonym('record-keys', 'fingerprint');
  if (fingerprint !== undefined && fingerprint !== print) throw new Error('A different master key is already in use in this process');
  bound = keys;
  fingerprint = print;
}

export function recordKeys(): Keys {
  if (!bound) throw new Error('The record keys are not bound: build the app (or call bindRecordKeys) first');
  return bound;
}

/** A free-text or identifying field sealed with `fieldAad(table, field, id)`; null stays null. */
export const sealField = (table: string, field: string, id: string, plain: string | null): Buffer | null =>
  plain === null ? null : recordKeys().encrypt(plain, fieldAad(table, field, id));

export const openField = (table: string, field: string, id: string, sealed: Buffer | null): string | null =>
  sealed === null ? null : recordKeys().decrypt(sealed, fieldAad(table, field, id));
