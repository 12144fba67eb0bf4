import type { CDPSession, Page } from 'playwright-core';

/** One response as it came over the wire, as Chromium's DevTools protocol counts it. */
export type WireResponse = {
  url: string;
  /** DevTools' resource type: Document, Script, Stylesheet, Fetch, ... */
  type: string;
  encoding: string;
  /** Bytes received for it: the response headers and the body as sent (compressed): `encodedDataLength`. */
  transferBytes: number;
  /** The body's bytes once decoded. */
  decodedBytes: number;
};

/**
 * Records every response of a page over the DevTools protocol, the way `npm run bench:web` counts
 * them (bench/web.ts) and the browser test of the JavaScript budget checks them
 * (test/browser/web-performance.test.ts): the same figure in both, headers included. Call before
 * navigating; `responses()` gives the finished ones.
 */
export async function recordWire(page: Page): Promise<{ cdp: CDPSession; responses: () => WireResponse[]; detach: () => Promise<void> }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  const seen = new Map<string, Omit<WireResponse, 'transferBytes'>>();
  const finished = new Map<string, number>();
  cdp.on('Network.responseReceived', (e) => {
    const h = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
    seen.set(e.requestId, { url: e.response.url, type: e.type, encoding: h['content-encoding'] ?? 'identity', decodedBytes: 0 });
  });
  cdp.on('Network.dataReceived', (e) => {
    const r = seen.get(e.requestId);
    if (r) r.decodedBytes += e.dataLength;
  });
  cdp.on('Network.loadingFinished', (e) => finished.set(e.requestId, e.encodedDataLength));
  return {
    cdp,
    responses: () => [...seen].map(([id, r]) => ({ ...r, transferBytes: finished.get(id) ?? 0 })),
    detach: () => cdp.detach(),
  };
}
