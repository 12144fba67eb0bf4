import { describe, expect, it } from 'vitest';
import { ssoBaseUrl } from './redirect-base.ts';

const at = (host: string, protocol = 'http') => {
  const u = new URL(`${protocol}://${host}`);
  return { protocol, host, hostname: u.hostname, port: u.port === '' ? null : Number(u.port) };
};

describe('ssoBaseUrl: where single sign-on codes are sent back', () => {
  it('is PATHWAY_PUBLIC_URL whenever it is set, whatever the Host header says', () => {
    const config = { publicUrl: 'https://pathway.gov.az/', host: '0.0.0.0', port: 3000 };
    for (const host of ['evil.example', '127.0.0.1:3000', 'pathway.gov.az']) expect(ssoBaseUrl(config, at(host))).toBe('https://pathway.gov.az');
  });

  it.each([
    ['127.0.0.1:3000', 'http://127.0.0.1:3000'],
    ['127.0.0.1:51234', 'http://127.0.0.1:51234'],
    ['localhost:3000', 'http://localhost:3000'],
    ['[::1]:3000', 'http://[::1]:3000'],
    ['10.1.2.3:3000', 'http://10.1.2.3:3000'],
    ['evil.example', null],
    ['evil.example:3000', null],
    ['127.0.0.1.evil.example', null],
    ['10.1.2.3:4000', null],
  ])('without it, on HOST 10.1.2.3 port 3000, accepts the Host %s as %s', (host, expected) => {
    expect(ssoBaseUrl({ publicUrl: undefined, host: '10.1.2.3', port: 3000 }, at(host))).toBe(expected);
  });

  it('without it, listening on every address, accepts only loopback hosts', () => {
    const config = { publicUrl: undefined, host: '0.0.0.0', port: 3000 };
    expect(ssoBaseUrl(config, at('0.0.0.0:3000'))).toBeNull();
    expect(ssoBaseUrl(config, at('pathway.internal:3000'))).toBeNull();
    expect(ssoBaseUrl(config, at('127.0.0.1:3000'))).toBe('http://127.0.0.1:3000');
  });
});
