// The built page loads the default scenario through the real model and shows
// it: no console errors, no request off the page's origin, served under a
// sub-path. Run by scripts/test.sh after `trunk build --release`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withBrowser } from './browser.mjs';
import { watch } from './app.mjs';

test('the default story cluster is shown, with no console errors', () => withBrowser(async ({ server, browser }) => {
  const page = await browser.context.newPage();
  const { errors, offOrigin } = watch(page, server.origin);
  await page.goto(server.url, { waitUntil: 'load' });
  // The live app (index.html's prerendered first screen has the same
  // drawing, but no ids: #trace-h is the app's).
  await page.waitForSelector('#trace-h', { timeout: 20000 });
  await page.waitForSelector('svg.topology g.node');
  assert.equal(await page.locator('#first-screen').count(), 0, 'the app replaced the first screen');

  // The drawing: internet, the VPC router, three nodes with eth0,
  // netfilter and cbr0, and the pods on their nodes.
  const devices = await page.$$eval('svg.topology [data-device]', (els) => els.map((e) => e.dataset.device));
  for (const d of ['internet', 'router/vpc', 'node/node-1', 'node/node-2', 'node/node-3', 'pod/client', 'pod/web-1', 'pod/web-2']) {
    assert.ok(devices.includes(d), `${d} is drawn: ${devices.join(', ')}`);
  }
  const node2 = await page.textContent('svg.topology g.node[data-device="node/node-2"]');
  assert.match(node2, /node-2/);
  const text = await page.textContent('svg.topology');
  for (const t of ['eth0 10.100.0.3', 'cbr0 10.0.2.1/24', 'netfilter', '10.0.2.0/24 → node-2']) {
    assert.ok(text.includes(t), `${t} in the drawing`);
  }
  const service = await page.textContent('.service[data-service="web"]');
  assert.match(service, /10\.3\.241\.152/);
  assert.match(service, /80\/TCP -> http/);

  await page.screenshot({ path: 'target/e2e-smoke.png', fullPage: true });
  assert.deepEqual(errors, [], 'console errors');
  assert.deepEqual(offOrigin, [], 'requests off the page origin');
}));
