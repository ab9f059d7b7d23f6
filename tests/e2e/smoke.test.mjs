// The built page loads the default scenario through the real model and shows
// it: no console errors, no request off the page's origin, served under a
// sub-path. Run by scripts/test.sh after `trunk build --release`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serve } from './serve.mjs';
import { launch } from './browser.mjs';

test('the default story cluster is shown, with no console errors', async () => {
  const server = await serve('dist');
  const browser = await launch();
  try {
    const page = await browser.context.newPage();
    const errors = [];
    const offOrigin = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('response', (r) => { if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`); });
    page.on('request', (r) => {
      const u = r.url();
      if (!u.startsWith(server.origin) && !u.startsWith('data:')) offOrigin.push(u);
    });
    await page.goto(server.url, { waitUntil: 'load' });
    await page.waitForSelector('.node', { timeout: 20000 });

    const nodes = await page.$$eval('.node h2', (els) => els.map((e) => e.textContent));
    assert.deepEqual(nodes, ['node-1', 'node-2', 'node-3']);
    const ifaces = await page.$$eval('.node .iface', (els) => els.map((e) => e.textContent));
    assert.ok(ifaces.includes('eth0 10.100.0.3'), ifaces.join(', '));
    assert.ok(ifaces.includes('cbr0 10.0.2.1/24'), ifaces.join(', '));
    const service = await page.textContent('.service[data-service="web"]');
    assert.match(service, /10\.3\.241\.152/);
    assert.match(service, /80\/TCP -> http/);
    const pods = await page.$$eval('.pod', (els) => els.map((e) => e.dataset.pod));
    assert.deepEqual(pods.sort(), ['client', 'web-1', 'web-2']);

    await page.screenshot({ path: 'target/e2e-smoke.png', fullPage: true });
    assert.deepEqual(errors, [], 'console errors');
    assert.deepEqual(offOrigin, [], 'requests off the page origin');
  } finally {
    await browser.close();
    server.close();
  }
});
