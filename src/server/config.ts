import net from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { CreateIdentityProviderBody } from '../shared/schemas/sso.ts';

/**
 * Which proxies in front of Pathway are believed when they name the client in `X-Forwarded-For`
 * (and the scheme in `X-Forwarded-Proto`). Never "all": the left-most entries are written by the
 * client itself, so believing the whole chain would let anyone pick their own address and escape the
 * per-address rate limits. `false`: no proxy, the socket's address is the client's. A number: that
 * many hops nearest to Pathway are proxies (safe only when Pathway cannot be reached but through
 * them). A list: the proxies' addresses or CIDR ranges (or `loopback`, `linklocal`, `uniquelocal`).
 */
export type TrustProxy = false | number | readonly string[];

const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** One entry of a trusted-proxy list: an address, a CIDR range or one of the range names. */
export function isProxyAddress(v: string): boolean {
  if (PROXY_RANGE_NAMES.has(v)) return true;
  const slash = v.indexOf('/');
  const ip = slash === -1 ? v : v.slice(0, slash);
  const kind = net.isIP(ip);
  if (kind === 0) return false;
  if (slash === -1) return true;
  const bits = v.slice(slash + 1);
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (kind === 4 ? 32 : 128);
}

const TrustProxySetting = z
  .string()
  .trim()
  .transform((v, ctx): TrustProxy => {
    if (v === '0' || v === 'false') return false;
    // `true` was once "believe the whole chain"; it now means what `1` means: one proxy in front.
    if (v === 'true') return 1;
    if (/^\d+$/.test(v)) {
      const hops = Number(v);
      if (hops <= 20) return hops === 0 ? false : hops;
    } else {
      const list = v.split(',').map((x) => x.trim()).filter((x) => x !== '');
      const bad = list.filter((x) => !isProxyAddress(x));
      if (list.length > 0 && bad.length === 0) return Object.freeze(list);
      if (bad.length > 0) {
        ctx.addIssue({ code: 'custom', message: `not an address or CIDR range: ${bad.join(', ')}` });
        return z.NEVER;
      }
    }
    ctx.addIssue({ code: 'custom', message: 'must be 0, a number of proxy hops (1 to 20), or a comma-separated list of proxy addresses or CIDR ranges (e.g. 10.0.0.5,192.168.0.0/16 or loopback)' });
    return z.NEVER;
  });

/** The PATHWAY_OIDC_* variable behind each field of the environment's identity provider. */
const OIDC_VARIABLES = {
  issuer: 'PATHWAY_OIDC_ISSUER',
  clientId: 'PATHWAY_OIDC_CLIENT_ID',
  clientSecret: 'PATHWAY_OIDC_CLIENT_SECRET',
  name: 'PATHWAY_OIDC_NAME',
  scope: 'PATHWAY_OIDC_SCOPE',
  agencyId: 'PATHWAY_OIDC_AGENCY_ID',
  assignment: 'PATHWAY_OIDC_ASSIGNMENT',
  agencyClaim: 'PATHWAY_OIDC_AGENCY_CLAIM',
  agencyMap: 'PATHWAY_OIDC_AGENCY_MAP',
  rolesClaim: 'PATHWAY_OIDC_ROLES_CLAIM',
  roleMap: 'PATHWAY_OIDC_ROLE_MAP',
  requiredAcr: 'PATHWAY_OIDC_REQUIRED_ACR',
} as const;
type OidcField = keyof typeof OIDC_VARIABLES;

/**
 * The identity provider the environment defines (docs/single-sign-on.md, "Defined by the
 * environment"): its settings as the administration API takes them, minus `enabled` (always on) and
 * the administrator's password.
 */
export type EnvIdentityProvider = Readonly<Omit<CreateIdentityProviderBody, 'currentPassword' | 'clientSecret' | 'enabled'> & { clientSecret: string | null }>;

/** Every environment variable Pathway reads. README's configuration table is kept in step with this. */
const EnvSchema = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: z.url().optional(),
  DATABASE_READ_URL: z.url().optional(),
  PATHWAY_DATA_DIR: z.string().min(1).default('./data'),
  PATHWAY_PUBLIC_URL: z.url().optional(),
  PATHWAY_ADMIN_EMAIL: z.email().optional(),
  PATHWAY_ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
  PATHWAY_DEMO: z.enum(['0', '1', 'true', 'false']).default('0').transform((v) => v === '1' || v === 'true'),
  PATHWAY_SESSION_HOURS: z.coerce.number().int().min(1).max(720).default(12),
  PATHWAY_SESSION_IDLE_MINUTES: z.coerce.number().int().min(5).max(1440).default(120),
  PATHWAY_LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
  PATHWAY_LOGIN_RATE_PER_MINUTE: z.coerce.number().int().min(1).max(100000).default(30),
  PATHWAY_PUBLIC_RATE_PER_MINUTE: z.coerce.number().int().min(1).max(10_000_000).default(300),
  PATHWAY_LOCKOUT_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
  PATHWAY_TRUST_PROXY: TrustProxySetting.default(false),
  PATHWAY_SECRET_KEY: z
    .string()
    .refine((v) => /^[A-Za-z0-9+/]+={0,2}$/.test(v) && Buffer.from(v, 'base64').length === 32, 'must be 32 bytes in base64 (openssl rand -base64 32)')
    .transform((v) => Buffer.from(v, 'base64'))
    .optional(),
  PATHWAY_HOTLINE_AGENCY_ID: z.uuid().optional(),
  PATHWAY_TWILIO_AUTH_TOKEN: z.string().min(8).optional(),
  PATHWAY_TWILIO_ACCOUNT_SID: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must look like AC followed by 32 hex digits').optional(),
  PATHWAY_TWILIO_API_URL: z.url().default('https://api.twilio.com'),
  PATHWAY_TWILIO_FROM: z.string().regex(/^(\+[0-9]{5,15}|MG[0-9a-fA-F]{32})$/, 'a number such as +994121234567 or a Messaging Service SID (MG...)').optional(),
  PATHWAY_TELEGRAM_BOT_TOKEN: z.string().regex(/^\d+:[\w-]+$/, 'must look like 123456:ABC-def').optional(),
  PATHWAY_TELEGRAM_SECRET: z.string().regex(/^[\w-]{1,256}$/, 'letters, digits, _ and - only (1 to 256)').optional(),
  PATHWAY_TELEGRAM_API_URL: z.url().default('https://api.telegram.org'),
  PATHWAY_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  PATHWAY_SMTP_URL: z
    .url()
    .refine((v) => /^smtps?:\/\//.test(v), 'must start with smtp:// or smtps:// (for example smtp://user:pass@mail.example.org:587)')
    .optional(),
  PATHWAY_MAIL_FROM: z.email('must be an e-mail address').optional(),
  PATHWAY_PRESENCE_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(3600).default(45),
  PATHWAY_REMINDER_SWEEP_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  PATHWAY_PUBLIC_REPORT_RATE_PER_HOUR: z.coerce.number().int().min(1).max(100000).default(10),
  PATHWAY_FOLLOW_UP_RATE_PER_MINUTE: z.coerce.number().int().min(1).max(100000).default(10),
  PATHWAY_DOCUMENT_MAX_BYTES: z.coerce.number().int().min(1024).max(200 * 1024 * 1024).default(20 * 1024 * 1024),
  PATHWAY_DOCUMENT_STORE: z.enum(['database', 'disk', 's3']).default('database'),
  PATHWAY_DOCUMENT_DIR: z.string().optional(),
  PATHWAY_S3_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a bucket name: 3 to 63 lower-case letters, digits, dots and hyphens').optional(),
  PATHWAY_S3_ENDPOINT: z.url().refine((v) => /^https?:\/\//.test(v), 'must start with http:// or https://').optional(),
  PATHWAY_S3_REGION: z.string().regex(/^[a-z0-9-]{1,40}$/, 'must be a region name such as eu-central-1').default('us-east-1'),
  PATHWAY_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  PATHWAY_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  PATHWAY_S3_PREFIX: z
    .string()
    .regex(/^([\w.-]+\/)+$/, 'must be folder names each ending in /, such as pathway/documents/')
    .refine((v) => !v.split('/').some((part) => part === '.' || part === '..'), 'must not contain . or .. as a folder name')
    .default('documents/'),
  PATHWAY_S3_FORCE_PATH_STYLE: z.enum(['0', '1', 'true', 'false']).optional(),
  PATHWAY_METRICS: z.enum(['0', '1', 'true', 'false']).default('0').transform((v) => v === '1' || v === 'true'),
  PATHWAY_METRICS_TOKEN: z.string().regex(/^[\x21-\x7e]{24,256}$/, 'must be 24 to 256 printable characters without spaces (openssl rand -hex 24)').optional(),
  PATHWAY_METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  PATHWAY_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  PATHWAY_DB_CONNECT_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(120).default(5),
  PATHWAY_DB_STATEMENT_TIMEOUT_SECONDS: z.coerce.number().int().min(0).max(86_400).default(60),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // One installation-wide identity provider for automated deployments (checked in `oidcConfig`).
  ...Object.fromEntries(Object.values(OIDC_VARIABLES).map((name) => [name, z.string().optional()])),
});

export type S3StoreConfig = { bucket: string; endpoint: string | undefined; region: string; accessKeyId: string | undefined; secretAccessKey: string | undefined; prefix: string; forcePathStyle: boolean };

/**
 * Where the encrypted bytes of new case documents are kept (`kind`): in PostgreSQL (the default: one
 * transaction, one backup), in files under `dir`, or in a bucket of an S3-compatible store (`s3`, set
 * whenever a bucket is, required for `kind: 's3'`). Documents saved earlier stay readable where they
 * are: in the database, under `dir`, or in the bucket while it is configured.
 */
export type DocumentStoreConfig = { kind: 'database' | 'disk' | 's3'; dir: string; s3: S3StoreConfig | undefined };

export type Config = Readonly<{
  host: string;
  port: number;
  databaseUrl: string | undefined;
  /**
   * A streaming standby for reads that tolerate a little lag (statistics, dashboards, public pages,
   * aggregate exports); unset: every read on the primary (src/server/db/read-replica.ts).
   */
  databaseReadUrl: string | undefined;
  dataDir: string;
  publicUrl: string | undefined;
  adminEmail: string | undefined;
  adminPassword: string | undefined;
  demo: boolean;
  sessionHours: number;
  sessionIdleMinutes: number;
  loginMaxFailures: number;
  lockoutMinutes: number;
  loginRatePerMinute: number;
  /** Requests per minute from one client address to the public press API (/api/public/press/...). */
  publicRatePerMinute: number;
  /** See `TrustProxy`: which proxies may name the client's address and scheme. */
  trustProxy: TrustProxy;
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  /**
   * Prometheus metrics (docs/operations.md, "Metrics"): off unless `enabled`; then on `/metrics` of the
   * main port with `Authorization: Bearer <token>` when a token is set, and on `host:port` of their
   * own when a port is set (the token asked there too when set).
   */
  metrics: Readonly<{ enabled: boolean; token: string | undefined; port: number | undefined; host: string }>;
  /** A new database connection, or a free one in the pool, is waited for this long before the request is answered 503. */
  dbConnectTimeoutSeconds: number;
  /** The longest a server statement may run (0: no limit); CLI commands and migrations have none. */
  dbStatementTimeoutSeconds: number;
  webDistDir: string;
  /** The master key for keyed hashes and field encryption; unset: kept in `<dataDir>/secret.key`. */
  secretKey: Buffer | undefined;
  /** The agency that owns contacts arriving through the channels and public reports. */
  hotlineAgencyId: string | undefined;
  twilioAuthToken: string | undefined;
  twilioAccountSid: string | undefined;
  twilioApiUrl: string;
  /** The sender for SMS and WhatsApp replies when the contactor's message did not say which number it was sent to. */
  twilioFrom: string | undefined;
  telegramBotToken: string | undefined;
  telegramSecret: string | undefined;
  telegramApiUrl: string;
  webhookSecret: string | undefined;
  /** Escalation alerts are e-mailed through this SMTP server (from the outbox, with retries); unset: no e-mail. */
  smtpUrl: string | undefined;
  mailFrom: string | undefined;
  /**
   * An available (or on-break) operator whose console has had no open live stream beating for this
   * long becomes offline (docs/hotline.md, "Operator states").
   */
  presenceTimeoutSeconds: number;
  /** How often each process sweeps for deadline reminders and deletes expired sign-in state (jobs/reminders.ts). */
  reminderSweepSeconds: number;
  /** New public reports and additions to one, per address per hour. */
  publicReportRatePerHour: number;
  /** Follow-up code look-ups (right or wrong), per address per minute. */
  followUpRatePerMinute: number;
  /** The largest case document accepted, in bytes (a larger upload is refused with 413). */
  documentMaxBytes: number;
  documentStore: DocumentStoreConfig;
  /** An identity provider defined by PATHWAY_OIDC_* (it overrides one registered with the same issuer and client id); unset: none. */
  oidc: EnvIdentityProvider | undefined;
}>;

export class ConfigError extends Error {}

/** Reads and validates the environment once; a bad value stops start-up with the variable's name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (e.PATHWAY_SMTP_URL && !e.PATHWAY_MAIL_FROM) throw new ConfigError('Invalid configuration:\n  PATHWAY_MAIL_FROM: required when PATHWAY_SMTP_URL is set');
  if (e.PATHWAY_METRICS && !e.PATHWAY_METRICS_TOKEN && e.PATHWAY_METRICS_PORT === undefined)
    throw new ConfigError('Invalid configuration:\n  PATHWAY_METRICS_TOKEN: required when PATHWAY_METRICS is on, unless PATHWAY_METRICS_PORT gives the metrics an address of their own');
  const dataDir = path.resolve(e.PATHWAY_DATA_DIR);
  const documentStore = documentStoreConfig(e, dataDir);
  const oidc = oidcConfig(e as unknown as Record<string, string | undefined>);
  return Object.freeze({
    host: e.HOST,
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    databaseReadUrl: e.DATABASE_READ_URL,
    dataDir,
    publicUrl: e.PATHWAY_PUBLIC_URL,
    adminEmail: e.PATHWAY_ADMIN_EMAIL,
    adminPassword: e.PATHWAY_ADMIN_PASSWORD,
    demo: e.PATHWAY_DEMO,
    sessionHours: e.PATHWAY_SESSION_HOURS,
    sessionIdleMinutes: e.PATHWAY_SESSION_IDLE_MINUTES,
    loginMaxFailures: e.PATHWAY_LOGIN_MAX_FAILURES,
    lockoutMinutes: e.PATHWAY_LOCKOUT_MINUTES,
    loginRatePerMinute: e.PATHWAY_LOGIN_RATE_PER_MINUTE,
    publicRatePerMinute: e.PATHWAY_PUBLIC_RATE_PER_MINUTE,
    trustProxy: e.PATHWAY_TRUST_PROXY,
    logLevel: e.LOG_LEVEL,
    metrics: Object.freeze({ enabled: e.PATHWAY_METRICS, token: e.PATHWAY_METRICS_TOKEN, port: e.PATHWAY_METRICS_PORT, host: e.PATHWAY_METRICS_HOST }),
    dbConnectTimeoutSeconds: e.PATHWAY_DB_CONNECT_TIMEOUT_SECONDS,
    dbStatementTimeoutSeconds: e.PATHWAY_DB_STATEMENT_TIMEOUT_SECONDS,
    webDistDir: path.resolve('dist/web'),
    secretKey: e.PATHWAY_SECRET_KEY,
    hotlineAgencyId: e.PATHWAY_HOTLINE_AGENCY_ID,
    twilioAuthToken: e.PATHWAY_TWILIO_AUTH_TOKEN,
    twilioAccountSid: e.PATHWAY_TWILIO_ACCOUNT_SID,
    twilioApiUrl: e.PATHWAY_TWILIO_API_URL.replace(/\/+$/, ''),
    twilioFrom: e.PATHWAY_TWILIO_FROM,
    telegramBotToken: e.PATHWAY_TELEGRAM_BOT_TOKEN,
    telegramSecret: e.PATHWAY_TELEGRAM_SECRET,
    telegramApiUrl: e.PATHWAY_TELEGRAM_API_URL.replace(/\/+$/, ''),
    webhookSecret: e.PATHWAY_WEBHOOK_SECRET,
    smtpUrl: e.PATHWAY_SMTP_URL,
    mailFrom: e.PATHWAY_MAIL_FROM,
    presenceTimeoutSeconds: e.PATHWAY_PRESENCE_TIMEOUT_SECONDS,
    reminderSweepSeconds: e.PATHWAY_REMINDER_SWEEP_SECONDS,
    publicReportRatePerHour: e.PATHWAY_PUBLIC_REPORT_RATE_PER_HOUR,
    followUpRatePerMinute: e.PATHWAY_FOLLOW_UP_RATE_PER_MINUTE,
    documentMaxBytes: e.PATHWAY_DOCUMENT_MAX_BYTES,
    documentStore,
    oidc,
    ...overrides,
  });
}

/**
 * Reads the PATHWAY_OIDC_* variables with the administration API's own schema, so the same rules
 * hold (https issuer, `openid` in the scope, known roles...), and the rules between fields the API
 * checks too; a refusal names the variable. JSON objects for the maps.
 */
function oidcConfig(e: Record<string, string | undefined>): EnvIdentityProvider | undefined {
  const given = (Object.entries(OIDC_VARIABLES) as [OidcField, string][]).filter(([, name]) => e[name] !== undefined);
  if (given.length === 0) return undefined;
  const problem = (name: string, message: string) => new ConfigError(`Invalid configuration:\n  ${name}: ${message}`);
  for (const field of ['issuer', 'clientId'] as const)
    if (e[OIDC_VARIABLES[field]] === undefined) throw problem(OIDC_VARIABLES[field], `required when any PATHWAY_OIDC_* variable is set (set: ${given.map(([, n]) => n).join(', ')})`);
  const json = (field: 'agencyMap' | 'roleMap') => {
    const v = e[OIDC_VARIABLES[field]];
    if (v === undefined) return undefined;
    try {
      return JSON.parse(v) as unknown;
    } catch {
      throw problem(OIDC_VARIABLES[field], 'must be a JSON object of claim values, such as {"caseworkers":"case_worker"}');
    }
  };
  const input = {
    name: e.PATHWAY_OIDC_NAME ?? 'Single sign-on',
    issuer: e.PATHWAY_OIDC_ISSUER,
    clientId: e.PATHWAY_OIDC_CLIENT_ID,
    clientSecret: e.PATHWAY_OIDC_CLIENT_SECRET ?? null,
    scope: e.PATHWAY_OIDC_SCOPE,
    agencyId: e.PATHWAY_OIDC_AGENCY_ID,
    assignment: e.PATHWAY_OIDC_ASSIGNMENT ?? 'admin',
    agencyClaim: e.PATHWAY_OIDC_AGENCY_CLAIM,
    agencyMap: json('agencyMap'),
    rolesClaim: e.PATHWAY_OIDC_ROLES_CLAIM,
    roleMap: json('roleMap'),
    requiredAcr: e.PATHWAY_OIDC_REQUIRED_ACR,
  };
  const parsed = CreateIdentityProviderBody.omit({ currentPassword: true, enabled: true }).safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => {
      const [field, ...rest] = i.path.map(String);
      const name = OIDC_VARIABLES[field as OidcField] ?? 'PATHWAY_OIDC_*';
      return `  ${name}${rest.length > 0 ? ` (${rest.join('.')})` : ''}: ${i.message}`;
    });
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const p = parsed.data;
  // The rules between fields, as the administration API checks them (oidc-service.ts, checkSettings).
  if (p.assignment === 'claims') {
    if (!p.rolesClaim) throw problem(OIDC_VARIABLES.rolesClaim, 'required when PATHWAY_OIDC_ASSIGNMENT is claims');
    if (Object.keys(p.roleMap).length === 0) throw problem(OIDC_VARIABLES.roleMap, 'required when PATHWAY_OIDC_ASSIGNMENT is claims');
    if (!p.agencyId && !p.agencyClaim) throw problem(OIDC_VARIABLES.agencyClaim, 'required when PATHWAY_OIDC_ASSIGNMENT is claims and PATHWAY_OIDC_AGENCY_ID is not set');
    if (!p.agencyId && Object.keys(p.agencyMap).length === 0) throw problem(OIDC_VARIABLES.agencyMap, 'required when PATHWAY_OIDC_ASSIGNMENT is claims and PATHWAY_OIDC_AGENCY_ID is not set');
  }
  return Object.freeze({ ...p, clientSecret: p.clientSecret ?? null });
}

/** The variable that names a field of the environment's identity provider (for errors found at start, such as an unknown agency). */
export const oidcVariable = (field: OidcField): string => OIDC_VARIABLES[field];

function documentStoreConfig(e: z.infer<typeof EnvSchema>, dataDir: string): DocumentStoreConfig {
  const problem = (name: string, message: string) => new ConfigError(`Invalid configuration:\n  ${name}: ${message}`);
  const dir = path.resolve(e.PATHWAY_DOCUMENT_DIR ?? path.join(dataDir, 'documents'));
  if (e.PATHWAY_DOCUMENT_STORE === 's3' && !e.PATHWAY_S3_BUCKET) throw problem('PATHWAY_S3_BUCKET', 'required when PATHWAY_DOCUMENT_STORE is s3');
  // A bucket set while new documents go elsewhere is still read: the documents already in it stay readable.
  if (!e.PATHWAY_S3_BUCKET) return { kind: e.PATHWAY_DOCUMENT_STORE, dir, s3: undefined };
  if ((e.PATHWAY_S3_ACCESS_KEY_ID === undefined) !== (e.PATHWAY_S3_SECRET_ACCESS_KEY === undefined)) {
    throw problem(
      e.PATHWAY_S3_ACCESS_KEY_ID === undefined ? 'PATHWAY_S3_ACCESS_KEY_ID' : 'PATHWAY_S3_SECRET_ACCESS_KEY',
      'set both PATHWAY_S3_ACCESS_KEY_ID and PATHWAY_S3_SECRET_ACCESS_KEY, or neither (then the AWS SDK finds credentials itself)',
    );
  }
  const pathStyle = e.PATHWAY_S3_FORCE_PATH_STYLE;
  return {
    kind: e.PATHWAY_DOCUMENT_STORE,
    dir,
    s3: {
      bucket: e.PATHWAY_S3_BUCKET,
      endpoint: e.PATHWAY_S3_ENDPOINT,
      region: e.PATHWAY_S3_REGION,
      accessKeyId: e.PATHWAY_S3_ACCESS_KEY_ID,
      secretAccessKey: e.PATHWAY_S3_SECRET_ACCESS_KEY,
      prefix: e.PATHWAY_S3_PREFIX,
      // Stores other than AWS mostly serve buckets as paths (http://host/bucket/key).
      forcePathStyle: pathStyle === undefined ? e.PATHWAY_S3_ENDPOINT !== undefined : pathStyle === '1' || pathStyle === 'true',
    },
  };
}
