import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

const fails = (env: NodeJS.ProcessEnv): ConfigError => {
  try {
    loadConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be refused`);
};

describe('loadConfig', () => {
  it('fills in defaults for an empty environment', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      host: '127.0.0.1',
      port: 3000,
      databaseUrl: undefined,
      databaseReadUrl: undefined,
      dataDir: path.resolve('./data'),
      adminEmail: undefined,
      adminPassword: undefined,
      demo: false,
      sessionHours: 12,
      loginMaxFailures: 5,
      lockoutMinutes: 15,
      trustProxy: false,
      logLevel: 'info',
    });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', PATHWAY_ADMIN_PASSWORD: '' })).toMatchObject({
      port: 3000,
      adminPassword: undefined,
    });
  });

  it('reads and converts the values given', () => {
    const c = loadConfig({
      PORT: '8080',
      PATHWAY_DEMO: 'true',
      PATHWAY_TRUST_PROXY: '1',
      PATHWAY_SESSION_HOURS: '8',
      LOG_LEVEL: 'warn',
      PATHWAY_ADMIN_PASSWORD: 'twelve chars',
    });
    expect(c).toMatchObject({
      port: 8080,
      demo: true,
      trustProxy: 1,
      sessionHours: 8,
      logLevel: 'warn',
      adminPassword: 'twelve chars',
    });
  });

  it.each(['http', '-1', '65536', '80.5'])('refuses PORT=%s, naming PORT', (port) => {
    expect(fails({ PORT: port }).message).toMatch(/^\s+PORT: /m);
  });

  it('refuses an admin password shorter than 12 characters, naming the variable', () => {
    const e = fails({ PATHWAY_ADMIN_PASSWORD: 'elevenchars' });
    expect(e.message).toContain('PATHWAY_ADMIN_PASSWORD');
    expect(e.message).toContain('at least 12 characters');
    expect(e.message).not.toContain('elevenchars');
  });

  it.each([
    ['PATHWAY_DEMO', 'yes'],
    ['LOG_LEVEL', 'verbose'],
    ['PATHWAY_SESSION_HOURS', '0'],
    ['PATHWAY_ADMIN_EMAIL', 'not-an-email'],
    ['DATABASE_URL', 'not a url'],
    ['DATABASE_READ_URL', 'not a url'],
  ])('refuses %s=%s, naming it', (name, value) => {
    expect(fails({ [name]: value }).message).toContain(name);
  });

  it.each([
    ['0', false],
    ['false', false],
    ['1', 1],
    // Once "believe the whole X-Forwarded-For chain", which a client could fill itself: now one hop.
    ['true', 1],
    ['2', 2],
    ['10.0.0.5', ['10.0.0.5']],
    [' 10.0.0.0/8, 192.168.1.1/32 ,::1,fd00::/8,loopback ', ['10.0.0.0/8', '192.168.1.1/32', '::1', 'fd00::/8', 'loopback']],
  ])('reads PATHWAY_TRUST_PROXY=%s as a hop count or a list of proxies, never "trust all"', (value, expected) => {
    expect(loadConfig({ PATHWAY_TRUST_PROXY: value }).trustProxy).toEqual(expected);
  });

  it.each(['yes', '-1', '21', '10.0.0.300', '10.0.0.0/33', '::1/129', 'proxy.example.org', '10.0.0.1/x', ','])('refuses PATHWAY_TRUST_PROXY=%s, naming it', (value) => {
    expect(fails({ PATHWAY_TRUST_PROXY: value }).message).toMatch(/^\s+PATHWAY_TRUST_PROXY: /m);
  });

  it('names every bad variable at once', () => {
    const m = fails({ PORT: 'x', LOG_LEVEL: 'loud' }).message;
    expect(m).toContain('PORT');
    expect(m).toContain('LOG_LEVEL');
  });

  it('keeps documents in the database unless told otherwise; disk in the data folder or a folder given', () => {
    expect(loadConfig({}).documentStore).toEqual({ kind: 'database', dir: path.resolve('./data/documents'), s3: undefined });
    expect(loadConfig({ PATHWAY_DOCUMENT_STORE: 'disk', PATHWAY_DATA_DIR: '/srv/pathway' }).documentStore).toEqual({ kind: 'disk', dir: '/srv/pathway/documents', s3: undefined });
    expect(loadConfig({ PATHWAY_DOCUMENT_STORE: 'disk', PATHWAY_DOCUMENT_DIR: '/mnt/files' }).documentStore.dir).toBe('/mnt/files');
    expect(fails({ PATHWAY_DOCUMENT_STORE: 'ftp' }).message).toMatch(/^\s+PATHWAY_DOCUMENT_STORE: /m);
  });

  it('reads an S3-compatible store: bucket required, keys both or neither, path style for other endpoints', () => {
    const env = { PATHWAY_DOCUMENT_STORE: 's3', PATHWAY_S3_BUCKET: 'pathway-docs' };
    expect(loadConfig(env).documentStore.s3).toEqual({
      bucket: 'pathway-docs',
      endpoint: undefined,
      region: 'us-east-1',
      accessKeyId: undefined,
      secretAccessKey: undefined,
      prefix: 'documents/',
      forcePathStyle: false,
    });
    const minio = loadConfig({ ...env, PATHWAY_S3_ENDPOINT: 'http://minio.internal:9000', PATHWAY_S3_ACCESS_KEY_ID: 'id', PATHWAY_S3_SECRET_ACCESS_KEY: 'secret', PATHWAY_S3_PREFIX: 'pathway/files/' });
    expect(minio.documentStore).toMatchObject({ kind: 's3', s3: { endpoint: 'http://minio.internal:9000', forcePathStyle: true, accessKeyId: 'id', secretAccessKey: 'secret', prefix: 'pathway/files/' } });
    expect(loadConfig({ ...env, PATHWAY_S3_ENDPOINT: 'https://s3.example.org', PATHWAY_S3_FORCE_PATH_STYLE: 'false' }).documentStore.s3?.forcePathStyle).toBe(false);
    expect(fails({ PATHWAY_DOCUMENT_STORE: 's3' }).message).toMatch(/^\s+PATHWAY_S3_BUCKET: required/m);
    expect(fails({ ...env, PATHWAY_S3_ACCESS_KEY_ID: 'id' }).message).toMatch(/^\s+PATHWAY_S3_SECRET_ACCESS_KEY: /m);
    expect(fails({ ...env, PATHWAY_S3_SECRET_ACCESS_KEY: 'secret' }).message).toMatch(/^\s+PATHWAY_S3_ACCESS_KEY_ID: /m);
    expect(fails({ ...env, PATHWAY_S3_BUCKET: 'Not_A_Bucket' }).message).toMatch(/^\s+PATHWAY_S3_BUCKET: /m);
    expect(fails({ ...env, PATHWAY_S3_ENDPOINT: 'ftp://x' }).message).toMatch(/^\s+PATHWAY_S3_ENDPOINT: /m);
    expect(fails({ ...env, PATHWAY_S3_PREFIX: 'docs' }).message).toMatch(/^\s+PATHWAY_S3_PREFIX: /m);
    expect(fails({ ...env, PATHWAY_S3_PREFIX: 'docs/../other/' }).message).toMatch(/^\s+PATHWAY_S3_PREFIX: must not contain/m);
    // A bucket stays readable when new documents go elsewhere.
    expect(loadConfig({ PATHWAY_DOCUMENT_STORE: 'disk', PATHWAY_S3_BUCKET: 'pathway-docs' }).documentStore).toMatchObject({ kind: 'disk', s3: { bucket: 'pathway-docs' } });
  });

  it('reads an installation-wide identity provider from PATHWAY_OIDC_*, with the administration API\'s rules, naming the variable of each refusal', () => {
    expect(loadConfig({}).oidc).toBeUndefined();
    const env = { PATHWAY_OIDC_ISSUER: 'https://id.gov.az/realms/pathway/', PATHWAY_OIDC_CLIENT_ID: 'pathway' };
    expect(loadConfig(env).oidc).toEqual({
      name: 'Single sign-on',
      issuer: 'https://id.gov.az/realms/pathway/',
      clientId: 'pathway',
      clientSecret: null,
      scope: 'openid email profile',
      agencyId: null,
      assignment: 'admin',
      agencyClaim: null,
      agencyMap: {},
      rolesClaim: null,
      roleMap: {},
      requiredAcr: null,
    });
    const agency = '7b0f7b5e-3d2a-4c1e-9f1a-2b3c4d5e6f70';
    const claims = {
      ...env,
      PATHWAY_OIDC_CLIENT_SECRET: 's3cret',
      PATHWAY_OIDC_NAME: 'Dövlət ID',
      PATHWAY_OIDC_ASSIGNMENT: 'claims',
      PATHWAY_OIDC_AGENCY_CLAIM: 'org',
      PATHWAY_OIDC_AGENCY_MAP: JSON.stringify({ mia: agency }),
      PATHWAY_OIDC_ROLES_CLAIM: 'realm_access.roles',
      PATHWAY_OIDC_ROLE_MAP: JSON.stringify({ caseworkers: 'case_worker' }),
      PATHWAY_OIDC_REQUIRED_ACR: 'mfa',
    };
    expect(loadConfig(claims).oidc).toMatchObject({ name: 'Dövlət ID', clientSecret: 's3cret', assignment: 'claims', agencyMap: { mia: agency }, roleMap: { caseworkers: 'case_worker' }, requiredAcr: 'mfa' });
    expect(Object.isFrozen(loadConfig(claims).oidc)).toBe(true);
    expect(fails({ PATHWAY_OIDC_ISSUER: 'https://id.gov.az' }).message).toMatch(/^\s+PATHWAY_OIDC_CLIENT_ID: required when any PATHWAY_OIDC_\* variable is set/m);
    expect(fails({ PATHWAY_OIDC_ROLE_MAP: '{}' }).message).toMatch(/^\s+PATHWAY_OIDC_ISSUER: required/m);
    expect(fails({ ...env, PATHWAY_OIDC_ISSUER: 'http://id.gov.az' }).message).toMatch(/^\s+PATHWAY_OIDC_ISSUER: an https URL/m);
    expect(fails({ ...env, PATHWAY_OIDC_SCOPE: 'email profile' }).message).toMatch(/^\s+PATHWAY_OIDC_SCOPE: must include openid/m);
    expect(fails({ ...env, PATHWAY_OIDC_ASSIGNMENT: 'magic' }).message).toMatch(/^\s+PATHWAY_OIDC_ASSIGNMENT: /m);
    expect(fails({ ...env, PATHWAY_OIDC_AGENCY_ID: 'not-a-uuid' }).message).toMatch(/^\s+PATHWAY_OIDC_AGENCY_ID: /m);
    expect(fails({ ...claims, PATHWAY_OIDC_ROLE_MAP: '{caseworkers: case_worker}' }).message).toMatch(/^\s+PATHWAY_OIDC_ROLE_MAP: must be a JSON object/m);
    expect(fails({ ...claims, PATHWAY_OIDC_ROLE_MAP: '{"caseworkers":"wizard"}' }).message).toMatch(/^\s+PATHWAY_OIDC_ROLE_MAP \(caseworkers\): /m);
    expect(fails({ ...claims, PATHWAY_OIDC_AGENCY_MAP: '{"mia":"nope"}' }).message).toMatch(/^\s+PATHWAY_OIDC_AGENCY_MAP \(mia\): /m);
    const { PATHWAY_OIDC_ROLES_CLAIM: _r, ...noRolesClaim } = claims;
    expect(fails(noRolesClaim).message).toMatch(/^\s+PATHWAY_OIDC_ROLES_CLAIM: required when PATHWAY_OIDC_ASSIGNMENT is claims/m);
    const { PATHWAY_OIDC_AGENCY_CLAIM: _a, ...noAgencyClaim } = claims;
    expect(fails(noAgencyClaim).message).toMatch(/^\s+PATHWAY_OIDC_AGENCY_CLAIM: required/m);
    expect(loadConfig({ ...noAgencyClaim, PATHWAY_OIDC_AGENCY_ID: agency }).oidc?.agencyId).toBe(agency);
  });

  it('lets overrides win over the environment', () => {
    expect(loadConfig({ PORT: '8080' }, { port: 1 }).port).toBe(1);
  });
});
