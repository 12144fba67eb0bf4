import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { DocumentStoreConfig, S3StoreConfig } from '../../config.ts';

/**
 * Where the sealed (encrypted) bytes of case documents live when not in PostgreSQL: a folder on disk
 * or an S3-compatible bucket. The store sees only ciphertext and a key made of the document's id;
 * names, types, hashes and access stay in the database.
 */
export interface BlobStore {
  readonly kind: 'disk' | 's3';
  /** The key under which a document's bytes are kept. */
  keyFor(documentId: string): string;
  /** Writes the bytes durably, or throws: after it returns, a crash loses nothing. */
  put(key: string, sealed: Buffer): Promise<void>;
  /** The bytes, or null when nothing is stored under the key. */
  get(key: string): Promise<Buffer | null>;
  /** Removes the bytes (used only to undo a write whose database row was not saved); absent is fine. */
  delete(key: string): Promise<void>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** A disk key: two hex digits of the id as a folder (at most 256 folders), then the id. */
const DISK_KEY = /^[0-9a-f]{2}\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.bin$/;

async function syncFolder(folder: string): Promise<void> {
  const handle = await fs.open(folder, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function documentId(id: string): string {
  if (!UUID.test(id)) throw new Error(`not a document id: ${id}`);
  return id;
}

/**
 * Files under one folder (mode 700, files 600). A write goes to a temporary file in the same folder,
 * is flushed to the disk, renamed into place and the folder flushed, so a crash leaves either the
 * whole file or none under its name.
 */
export function diskStore(dir: string): BlobStore {
  const full = (key: string) => {
    if (!DISK_KEY.test(key)) throw new Error(`not a document key: ${key}`);
    return path.join(dir, key);
  };
  return {
    kind: 'disk',
    keyFor: (id) => `${documentId(id).slice(0, 2)}/${id}.bin`,
    async put(key, sealed) {
      const file = full(key);
      const folder = path.dirname(file);
      // A new subfolder's own entry must reach the disk too, or a crash could take the file with it.
      const created = await fs.mkdir(folder, { recursive: true, mode: 0o700 });
      if (created !== undefined) await syncFolder(path.dirname(folder));
      const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
      try {
        const handle = await fs.open(temp, 'wx', 0o600);
        try {
          await handle.writeFile(sealed);
          await handle.sync();
        } finally {
          await handle.close();
        }
        await fs.rename(temp, file);
      } catch (err) {
        await fs.rm(temp, { force: true }).catch(() => undefined);
        throw err;
      }
      await syncFolder(folder);
    },
    async get(key) {
      try {
        return await fs.readFile(full(key));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw err;
      }
    },
    async delete(key) {
      await fs.rm(full(key), { force: true });
    },
  };
}

/**
 * Objects in one bucket of an S3-compatible store (AWS S3, MinIO, Ceph, Garage...), under a prefix.
 * Checksums are sent and checked only where the protocol requires them, which every such store
 * accepts; the content is authenticated by its own encryption anyway.
 */
/**
 * Time limits of one S3 request: a store that accepts connections and never answers must end in a
 * 503, not hold a request (and a socket) for ever. Each of the three attempts has them.
 */
export const S3_TIMEOUTS = { connectionTimeout: 5_000, requestTimeout: 30_000 };

export function s3Store(config: S3StoreConfig, timeouts: { connectionTimeout: number; requestTimeout: number } = S3_TIMEOUTS): BlobStore {
  // The SDK is loaded on first use: deployments without S3 never load it.
  let loaded: Promise<{ sdk: typeof import('@aws-sdk/client-s3'); client: import('@aws-sdk/client-s3').S3Client }> | undefined;
  const s3 = () =>
    (loaded ??= import('@aws-sdk/client-s3').then((sdk) => ({
      sdk,
      client: new sdk.S3Client({
        region: config.region,
        ...(config.endpoint ? { endpoint: config.endpoint } : {}),
        forcePathStyle: config.forcePathStyle,
        ...(config.accessKeyId && config.secretAccessKey ? { credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey } } : {}),
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
        maxAttempts: 3,
        requestHandler: { ...timeouts, throwOnRequestTimeout: true },
      }),
    })));
  const Bucket = config.bucket;
  const checked = (key: string) => {
    if (!key.startsWith(config.prefix) || !UUID.test(key.slice(config.prefix.length))) throw new Error(`not a document key: ${key}`);
    return key;
  };
  return {
    kind: 's3',
    keyFor: (id) => `${config.prefix}${documentId(id)}`,
    async put(key, sealed) {
      const { sdk, client } = await s3();
      await client.send(new sdk.PutObjectCommand({ Bucket, Key: checked(key), Body: sealed, ContentType: 'application/octet-stream', ContentLength: sealed.length }));
    },
    async get(key) {
      const { sdk, client } = await s3();
      try {
        const out = await client.send(new sdk.GetObjectCommand({ Bucket, Key: checked(key) }));
        if (!out.Body) return null;
        return Buffer.from(await out.Body.transformToByteArray());
      } catch (err) {
        if (err instanceof sdk.NoSuchKey || (err instanceof sdk.S3ServiceException && err.$metadata.httpStatusCode === 404)) return null;
        throw err;
      }
    },
    async delete(key) {
      const { sdk, client } = await s3();
      await client.send(new sdk.DeleteObjectCommand({ Bucket, Key: checked(key) }));
    },
  };
}

/**
 * The stores of a configuration: `write` is where new documents go (null: into PostgreSQL); `read`
 * finds a document's bytes by the store its row names (the disk folder is always readable, the
 * bucket while one is configured).
 */
export type DocumentStores = { write: BlobStore | null; read: { disk: BlobStore; s3: BlobStore | null } };

export function documentStores(config: DocumentStoreConfig): DocumentStores {
  // \`config.s3\` is set whenever a bucket is, whatever \`kind\`: documents already in it stay readable.
  const disk = diskStore(config.dir);
  const s3 = config.s3 ? s3Store(config.s3) : null;
  return { write: config.kind === 'disk' ? disk : config.kind === 's3' ? s3 : null, read: { disk, s3 } };
}
