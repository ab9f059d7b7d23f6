// kube-proxy's nftables mode in the playground: the cluster's mode switch
// (under the scenario's title) and a node's own (in its editor), both
// edits that undo, the YAML and the re-trace follow; the rules panel's
// `nft list` listing with the trace's matches marked (the rule lines and
// the verdict map element that matched); one request under both modes side
// by side. English and Korean; screenshots at 1366x800 and 390x844, light
// and dark, in target/e2e/nftables-*.png.
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

const yamlText = (page) => page.evaluate(() => [...document.querySelectorAll('#yaml-editor textarea')].map((a) => a.value).join('\n'));

const shot = async (page, name) => {
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: `target/e2e/nftables-${name}-${scheme}.png` });
  }
  await page.emulateMedia({ colorScheme: 'light' });
};

test('the mode switch: nft rules with the match marked, the YAML, undo', async () => {
  const { page, watch } = await app.page({ width: 1366, height: 800 });
  await send(page, 'pod/client', 'svc/web:80');
  await page.click('#proxy-mode input[value="nftables"]');
  assert.equal(await page.isChecked('#proxy-mode input[value="nftables"]'), true);
  // The page traces again, in nftables mode.
  const end = page.locator('button[aria-label="To the end"]');
  if (await end.isEnabled()) await end.click();
  assert.equal((await verdict(page)).kind, 'delivered');
  await page.click('#tab-rules');
  await page.waitForSelector('#listing.nft');
  assert.equal(await page.getAttribute('#listing', 'aria-label'), 'nft list ruleset listing');
  assert.match(await page.locator('#listing .line').first().textContent(), /^table ip kube-proxy \{/);
  const hits = page.locator('#listing mark.hit');
  assert.ok(await hits.count() >= 4, 'rules and an element marked');
  // The ClusterIP's element of the service-ips map is marked with the
  // order number of the rule that looked it up.
  const element = hits.filter({ hasText: '10.3.241.152 . tcp . 80 : goto service-' });
  assert.equal(await element.count(), 1);
  const lookup = hits.filter({ hasText: 'vmap @service-ips' });
  assert.equal(await lookup.count(), 1);
  assert.equal(await element.getAttribute('data-order'), await lookup.getAttribute('data-order'));
  // The drawing says the node's mode.
  assert.ok(await page.locator('#cluster').getByText('nftables · kube-proxy').count() >= 1);
  await element.scrollIntoViewIfNeeded();
  await shot(page, 'rules-1366');
  // The YAML has it.
  await page.click('#tab-yaml');
  assert.match(await yamlText(page), /kind: KubeProxyConfiguration[\s\S]*mode: nftables/);
  // Undo: iptables again.
  await page.click('#undo');
  assert.equal(await page.isChecked('#proxy-mode input[value="iptables"]'), true);
  await page.click('#tab-rules');
  await page.waitForSelector('#listing:not(.nft)');
  assert.match(await page.locator('#listing .line').first().textContent(), /^\*/);
  assert.deepEqual(watch.errors, []);
  await page.close();
});

test("a node's own mode, from its editor", async () => {
  const { page, watch } = await app.page({ width: 1366, height: 800 });
  await page.click('#tab-edit');
  const section = page.locator('details.editor-section', { has: page.locator('summary', { hasText: 'Nodes' }) });
  if (await section.getAttribute('open') === null) await section.locator('summary').click();
  await section.locator('button[aria-label="Edit Node node-2"]').click();
  const form = section.locator('form[aria-label="Edit Node node-2"]');
  await form.getByLabel('kube-proxy mode').selectOption('nftables');
  await form.locator('button[type=submit]').click();
  // The node's chip says so; the cluster stays on iptables.
  await page.waitForSelector('.node-chip[data-node="node-2"] .node-mode');
  assert.equal(await page.textContent('.node-chip[data-node="node-2"] .node-mode'), 'nftables');
  assert.equal(await page.locator('.node-mode').count(), 1);
  assert.equal(await page.isChecked('#proxy-mode input[value="iptables"]'), true);
  await page.click('#tab-yaml');
  assert.match(await yamlText(page), /netlab\.dev\/kube-proxy-mode: nftables/);
  await page.click('#tab-rules');
  await page.selectOption('#rules-node', 'node-2');
  await page.waitForSelector('#listing.nft');
  await page.selectOption('#rules-node', 'node-1');
  await page.waitForSelector('#listing:not(.nft)');
  assert.deepEqual(watch.errors, []);
  await page.close();
});

for (const size of [{ name: '1366', width: 1366, height: 800 }, { name: '390', width: 390, height: 844 }]) {
  test(`both modes side by side at ${size.name} px, English and Korean`, async () => {
    const { page, watch } = await app.page({ width: size.width, height: size.height });
    await loadPreset(page, 'nodeport');
    // A NodePort on 127.0.0.1: iptables answers, nftables refuses.
    await send(page, 'node/node-1', '127.0.0.1:30080');
    await page.click('#compare-modes');
    const compare = page.locator('#compare');
    await compare.waitFor();
    assert.equal(await page.getAttribute('#compare-modes', 'aria-expanded'), 'true');
    assert.equal(await compare.locator('.compare-summary').textContent(), 'The modes end differently.');
    assert.match(await compare.locator('.side[data-mode="iptables"] .verdict').textContent(), /^Delivered/);
    assert.match(await compare.locator('.side[data-mode="nftables"] .verdict').textContent(), /^Refused/);
    assert.ok(await compare.locator('.compare-row.changed').count() >= 1);
    assert.ok(await compare.getByText('not reached in this mode').count() >= 1);
    // Nothing sticks out sideways at phone width.
    const overflow = await page.evaluate(() => {
      const c = document.querySelector('#compare').getBoundingClientRect();
      return document.documentElement.scrollWidth > window.innerWidth + 1 || c.right > window.innerWidth + 1;
    });
    assert.equal(overflow, false, 'the comparison fits the width');
    await compare.scrollIntoViewIfNeeded();
    await shot(page, `compare-${size.name}`);
    // In Korean, a ClusterIP's port the Service does not have: nftables
    // rejects it.
    await page.click('#lang-switch');
    await page.waitForSelector('#compare-h:has-text("한 요청")');
    await page.fill('#from', 'pod/client');
    await page.fill('#to', '10.3.241.152:81');
    await page.click('form.request button[type=submit]');
    await page.click('button[aria-label="끝으로"]');
    await compare.waitFor();
    assert.equal(await compare.locator('.compare-summary').textContent(), '두 모드의 결과가 다릅니다.');
    assert.match(await compare.locator('.side[data-mode="nftables"] .verdict').textContent(), /^거부됨/);
    // The client pod's step is alike in both.
    assert.equal(await compare.locator('.compare-row[data-device="pod/client"]').first().getAttribute('class'), 'compare-row same');
    await compare.scrollIntoViewIfNeeded();
    await shot(page, `compare-${size.name}-ko`);
    // Closing it.
    await page.click('#compare-close');
    assert.equal(await page.locator('#compare').count(), 0);
    await page.click('#lang-switch');
    assert.deepEqual(watch.errors, []);
    await page.close();
  });
}
