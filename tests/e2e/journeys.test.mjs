// The user journeys of issue 5, in Debian's chromium against the release
// build, each asserting what the user sees. Screenshots of each end state
// go to target/e2e/ for review.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { start, send, verdict, loadPreset } from './app.mjs';

let app;
before(async () => {
  fs.mkdirSync('target/e2e', { recursive: true });
  app = await start();
});
after(async () => { await app.stop(); });

async function done(page, watch, name) {
  await page.screenshot({ path: `target/e2e/${name}.png`, fullPage: true });
  assert.deepEqual(watch.errors, [], 'console errors');
  assert.deepEqual(watch.offOrigin, [], 'requests off the page origin');
  await page.close();
}

test('2. pod -> ClusterIP: DNAT to a backend pod, across nodes, reverse NAT on the reply', async () => {
  const { page, watch } = await app.page();
  const v = await send(page, 'pod/client', 'svc/web:80');
  assert.equal(v.kind, 'delivered', v.text);
  assert.match(v.text, /Delivered to pod\/web-[12]/);
  assert.match(v.text, /answer reaches the client from 10\.3\.241\.152:80/);
  const hops = await page.$$eval('.hops > li', (els) => els.map((e) => ({
    device: e.dataset.device, text: e.textContent, nat: e.classList.contains('nat'), reply: e.classList.contains('reply'),
  })));
  const dnat = hops.find((h) => h.nat && !h.reply);
  assert.ok(dnat, 'a NAT hop on the way there');
  assert.match(dnat.text, /DNAT/);
  assert.match(dnat.text, /10\.3\.241\.152:80 .*→.* 10\.0\.[23]\.2:8080/);
  // Routed across nodes: the packet leaves node-1 and arrives at another node.
  assert.ok(hops.some((h) => !h.reply && h.device === 'node/node-1'));
  assert.ok(hops.some((h) => !h.reply && /^node\/node-[23]$/.test(h.device)));
  // The reply is un-NATed back to the ClusterIP.
  const unnat = hops.find((h) => h.nat && h.reply);
  assert.ok(unnat, 'a NAT hop on the way back');
  assert.match(unnat.text, /10\.0\.[23]\.2:8080 .*→.* 10\.3\.241\.152:80/);
  await done(page, watch, '2-pod-to-clusterip');
});

test('4. a node-network host: nodeIP:80 is refused, nodeIP:nodePort is delivered', async () => {
  const { page, watch } = await app.page();
  await loadPreset(page, 'nodeport');
  let v = await send(page, '10.100.0.10', '10.100.0.3:80');
  assert.equal(v.kind, 'refused', v.text);
  assert.match(v.text, /nothing listens on 80\/tcp/);
  v = await send(page, '10.100.0.10', '10.100.0.3:30080');
  assert.equal(v.kind, 'delivered', v.text);
  assert.match(v.text, /Delivered to pod\/web-[12]/);
  await done(page, watch, '4-nodeport');
});

test('7. invalid YAML import names the problem and keeps the scenario; undo restores a removed node', async () => {
  const { page, watch } = await app.page();
  await page.click('#tab-yaml');
  const before = await page.inputValue('#yaml-text');
  await page.fill('#yaml-text', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: broken\nspec:\n  ports:\n  - port: 99999\n');
  const problems = await page.textContent('#yaml-problems');
  assert.match(problems, /Service default\/broken: spec\.ports\[0\]\.port/);
  assert.ok(await page.isDisabled('#yaml-apply'), 'cannot apply an invalid scenario');
  // The import of an invalid file is refused the same way.
  await page.setInputFiles('#import-file', { name: 'bad.yaml', mimeType: 'text/yaml', buffer: Buffer.from('kind: Node\nmetadata: [\n') });
  await page.waitForSelector('#notice.bad');
  assert.match(await page.textContent('#notice'), /Nothing was imported; the scenario is unchanged/);
  await page.click('button:text("Revert")');
  assert.equal(await page.inputValue('#yaml-text'), before, 'the scenario is intact');
  await page.click('#notice button[aria-label="Dismiss"]');

  await page.click('.node-chip[data-node="node-2"] .remove-node');
  await page.waitForSelector('.node-chip[data-node="node-2"]', { state: 'detached' });
  await page.click('#undo');
  await page.waitForSelector('.node-chip[data-node="node-2"]');
  // Keyboard: Ctrl+Shift+Z redoes the removal, Ctrl+Z undoes it again.
  await page.click('#scenario-title');
  await page.keyboard.press('Control+Shift+Z');
  await page.waitForSelector('.node-chip[data-node="node-2"]', { state: 'detached' });
  await page.keyboard.press('Control+Z');
  await page.waitForSelector('.node-chip[data-node="node-2"]');
  await done(page, watch, '7-import-undo');
});
