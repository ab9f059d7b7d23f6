// The user journeys of issue 5, in Debian's chromium against the release
// build, each asserting what the user sees. Screenshots of each end state
// go to target/e2e/ for review.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { start, send, verdict, loadPreset, addRoute } from './app.mjs';

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

test('3. internet -> ClusterIP is dropped; a static route makes it work; removing its node breaks it again', async () => {
  const { page, watch } = await app.page();
  let v = await send(page, 'internet', 'svc/web:80');
  assert.equal(v.kind, 'dropped', v.text);
  assert.match(v.text, /Dropped: .+/);
  assert.match(v.text, /10\.3\.241\.152/);

  // Add a static route for the service network to node-2 in the editor.
  await addRoute(page, 'services-to-node-2', '10.3.240.0/20', 'node-2');
  await page.waitForSelector('svg.topology text:text-matches("10.3.240.0/20")');

  // The open trace re-ran on the new cluster.
  await page.click('#tab-trace');
  v = await verdict(page);
  assert.equal(v.kind, 'delivered', v.text);
  const hops = await page.$$eval('.hops > li', (els) => els.map((e) => e.dataset.device));
  assert.ok(hops.includes('router/vpc') && hops.includes('node/node-2'), hops.join(' '));

  // Remove node-2: the route points at nothing, and the trace says so by itself.
  await page.click('.node-chip[data-node="node-2"] .remove-node');
  await page.waitForSelector('svg.topology g.ghost');
  v = await verdict(page);
  assert.equal(v.kind, 'dropped', v.text);
  assert.match(await page.textContent('svg.topology'), /terminated/);
  await done(page, watch, '3-static-route-node-removed');
});

test('5. a Service goes ClusterIP -> NodePort -> LoadBalancer, and traces follow', async () => {
  const { page, watch } = await app.page();
  await page.click('#tab-edit');
  const setType = async (type) => {
    await page.click('button[aria-label="Edit Service default/web"]');
    const form = page.locator('form[aria-label="Edit Service default/web"]');
    await form.getByLabel('Type').selectOption(type);
    await form.locator('button[type=submit]').click();
    await page.waitForSelector(`.service[data-service="web"] .kind:text("${type}")`);
  };
  await setType('NodePort');
  const svc = await page.textContent('.service[data-service="web"]');
  const nodePort = svc.match(/, NodePort (\d+)/)[1];
  let v = await send(page, '10.100.0.10', `10.100.0.4:${nodePort}`);
  assert.equal(v.kind, 'delivered', v.text);

  await page.click('#tab-edit');
  await setType('LoadBalancer');
  const lb = (await page.textContent('.service[data-service="web"]')).match(/LB (\d+\.\d+\.\d+\.\d+)/)[1];
  assert.ok(await page.$('svg.topology g.lb'), 'the load balancer is drawn');
  v = await send(page, 'internet', `${lb}:80`);
  assert.equal(v.kind, 'delivered', v.text);
  const hops = await page.$$eval('.hops > li', (els) => els.map((e) => e.dataset.device));
  assert.ok(hops.includes('lb/default/web'), hops.join(' '));
  await done(page, watch, '5-service-types');
});

test('6. a share link reproduces the scenario and the trace in a fresh browser', async () => {
  const { page, watch } = await app.page();
  await loadPreset(page, 'load-balancer');
  await page.click('#tab-trace');
  await page.click('form.request button[type=submit]');
  await page.click('button:text("Another connection")');
  await page.click('button:text("Another connection")');
  await page.click('button[aria-label="To the end"]');
  const want = await verdict(page);
  const wantHops = await page.$$eval('.hops > li', (els) => els.map((e) => e.textContent));
  await page.click('#share');
  const url = await page.inputValue('#share-url');
  assert.match(url, /#s=1\./);
  const drawing = await page.textContent('svg.topology');
  await done(page, watch, '6-share-source');

  const fresh = await start();
  try {
    const other = await fresh.page({ hash: url.slice(url.indexOf('#')) });
    await other.page.waitForSelector('.hops > li', { state: 'attached' });
    // (A link opens its trace at the end already when the button is disabled.)
    const end = other.page.locator('button[aria-label="To the end"]');
    if (await end.isEnabled({ timeout: 2000 }).catch(() => false)) await end.click();
    const got = await verdict(other.page);
    assert.deepEqual(got, want);
    assert.deepEqual(await other.page.$$eval('.hops > li', (els) => els.map((e) => e.textContent)), wantHops);
    assert.equal(await other.page.textContent('svg.topology'), drawing);
    assert.ok(!(await other.page.url()).includes('#s='), 'the link is taken out of the address bar');
    await other.page.screenshot({ path: 'target/e2e/6-share-opened.png', fullPage: true });

    // With work of their own, opening a link asks first; keeping it keeps it.
    const here = fresh.server.url + url.slice(url.indexOf('#'));
    await other.page.click('.node-chip[data-node="node-1"] .remove-node');
    await other.page.goto(here);
    await other.page.waitForSelector('#pending');
    assert.equal(await other.page.$('.node-chip[data-node="node-1"]'), null);
    await other.page.click('#pending-keep');
    assert.equal(await other.page.$('.node-chip[data-node="node-1"]'), null, 'their work is kept');
    await other.page.goto(here);
    await other.page.click('#pending-open');
    await other.page.waitForSelector('.node-chip[data-node="node-1"]');
    await done(other.page, other.watch, '6-share-asked');
  } finally {
    await fresh.stop();
  }
});

test('8. a reload keeps the autosaved work', async () => {
  const fresh = await start();
  try {
    const { page, watch } = await fresh.page();
    await page.click('.node-chip[data-node="node-3"] .remove-node');
    await page.waitForSelector('.node-chip[data-node="node-3"]', { state: 'detached' });
    await page.reload({ waitUntil: 'load' });
    await page.waitForSelector('svg.topology g.node');
    await page.waitForSelector('#scenario-title:text("Your saved work")');
    assert.equal(await page.$('.node-chip[data-node="node-3"]'), null, 'node-3 stays removed');
    assert.ok(await page.$('.node-chip[data-node="node-2"]'));
    await done(page, watch, '8-reload');
  } finally {
    await fresh.stop();
  }
});

test('9. at phone width the main journey works', async () => {
  const { page, watch } = await app.page({ width: 390, height: 844 });
  const v = await send(page, 'pod/client', 'svc/web:80');
  assert.equal(v.kind, 'delivered', v.text);
  const frame = await page.locator('.drawing-wrap').boundingBox();
  assert.ok(frame.width <= 390, `the drawing's frame fits the screen: ${frame.width}`);
  const svg = await page.locator('svg.topology').boundingBox();
  assert.ok(svg.width <= frame.width, `the drawing fits its frame: ${svg.width}`);
  // Legible: fitted at no less than 85% (it pans sideways instead).
  const zoom = parseInt(await page.textContent('#zoom-level'), 10);
  assert.ok(zoom >= 85, `the drawing keeps a legible size (it pans in its frame): ${zoom}%`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no sideways scrolling: ${overflow}px`);
  await done(page, watch, '9-phone');
});
