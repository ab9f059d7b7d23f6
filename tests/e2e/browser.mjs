// Debian's chromium driven by playwright-core: never a downloaded browser.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export async function launch() {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'netlab-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

// The built site served (tests/e2e/serve.mjs, `serveOptions`) and a fresh
// browser for `fn({ server, browser, context })`; both closed after, even
// when `fn` throws.
export async function withBrowser(fn, { dir = 'dist', serveOptions } = {}) {
  const { serve } = await import('./serve.mjs');
  const server = await serve(dir, undefined, serveOptions);
  const browser = await launch();
  try {
    return await fn({ server, browser, context: browser.context });
  } finally {
    await browser.close();
    server.close();
  }
}

// The slow reader, through the DevTools protocol: Fast 3G (1.6
// Mbps down, 750 kbps up, 150 ms round trip) and a 4x slower CPU. With
// `cold`, the cache is off (every load a first visit).
export async function throttle(page, { cold = false } = {}) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  if (cold) await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 150,
    downloadThroughput: 1.6e6 / 8,
    uploadThroughput: 750e3 / 8,
  });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  return cdp;
}
