// The drawing tells the story (issue 11): NAT callouts at the hop where
// NAT happens, paths coloured by outcome with a ✗ where a request stopped,
// the Service network and the router's deciding route, and zoom and pan
// that keep a 20-node cluster legible. At 1366x800 and 390x844; screenshots
// (light/dark, English/Korean) go to target/e2e/drawing-*.png for review.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { start, send, loadPreset } from './app.mjs';

const SIZES = [
  { name: 'desktop', width: 1366, height: 800 },
  { name: 'phone', width: 390, height: 844 },
];

let app;
before(async () => {
  fs.mkdirSync('target/e2e', { recursive: true });
  app = await start();
});
after(async () => { await app.stop(); });

async function done(page, watch) {
  assert.deepEqual(watch.errors, [], 'console errors');
  assert.deepEqual(watch.offOrigin, [], 'requests off the page origin');
  await page.close();
}

// A screenshot of the drawing's frame (and the page around it).
async function shot(page, name) {
  await page.locator('#cluster').scrollIntoViewIfNeeded();
  await page.screenshot({ path: `target/e2e/drawing-${name}.png` });
}

// Is the element's box inside the drawing's visible frame and the viewport?
async function onScreen(page, selector) {
  return page.evaluate((sel) => {
    const el = document.querySelector(sel);
    if (!el) return false;
    const r = el.getBoundingClientRect();
    const f = document.querySelector('.zoom-frame').getBoundingClientRect();
    return r.width > 0 && r.height > 0 && r.left >= f.left - 1 && r.right <= f.right + 1
      && r.top >= f.top - 1 && r.bottom <= f.bottom + 1;
  }, selector);
}

// The smallest on-screen font size of the drawing's visible texts, in px.
async function smallestText(page) {
  return page.evaluate(() => {
    const svg = document.querySelector('svg.topology');
    const scale = svg.getScreenCTM().a;
    let min = Infinity;
    for (const t of svg.querySelectorAll('.drawing text')) {
      const px = parseFloat(getComputedStyle(t).fontSize) * scale;
      min = Math.min(min, px);
    }
    return { min, scale };
  });
}

for (const size of SIZES) {
  test(`${size.name}: a NAT callout at the DNAT hop, reverse NAT on the way back`, async () => {
    const { page, watch } = await app.page({ width: size.width, height: size.height });
    const v = await send(page, 'pod/client', 'svc/web:80');
    assert.equal(v.kind, 'delivered', v.text);
    // From the start, step until the callout shows: it appears at a hop.
    await page.click('button[aria-label="To the start"]');
    assert.equal(await page.locator('svg.topology .callout').count(), 0, 'no callout before any hop');
    let steps = 0;
    while (await page.locator('svg.topology .callout.dnat').count() === 0) {
      await page.click('button[aria-label^="Forward one"]');
      steps += 1;
      assert.ok(steps < 60, 'the DNAT callout appears');
    }
    assert.ok(steps > 1, `not at the first hop (${steps})`);
    const callout = page.locator('svg.topology .callout.dnat');
    const text = await callout.textContent();
    assert.match(text, /DNAT 10\.3\.241\.152:80 → 10\.0\.[23]\.2:8080/);
    assert.match(text, /KUBE-SEP-[A-Z0-9]+/);
    assert.ok(await onScreen(page, 'svg.topology .callout.dnat rect'), 'the callout is in view');
    // The node that did it says so in a word.
    assert.equal(await page.locator('svg.topology .word.nat[data-word-device="node/node-1"]').textContent(), 'DNAT');
    assert.equal(await page.locator('svg.topology .callout.undnat').count(), 0, 'the reply is not there yet');
    await page.click('button[aria-label="To the end"]');
    assert.match(await page.locator('svg.topology .callout.undnat').textContent(), /un-DNAT 10\.0\.[23]\.2:8080 → 10\.3\.241\.152:80/);
    assert.equal(await page.locator('svg.topology polyline.trail.delivered').count() >= 1, true, 'a delivered path');
    assert.equal(await page.locator('svg.topology .marker').count(), 0);
    // The Service network is labelled on the drawing.
    assert.equal(await page.locator('svg.topology g.net text.t').textContent(), 'Service network 10.3.240.0/20');
    assert.equal(await page.locator('svg.topology .legend .entry').count(), 4);
    await shot(page, `story-${size.name}-light`);
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot(page, `story-${size.name}-dark`);
    await page.emulateMedia({ colorScheme: 'light' });
    await page.click('#lang-switch');
    await page.waitForFunction(() => document.querySelector('svg.topology g.net text.t')?.textContent === '서비스 네트워크 10.3.240.0/20');
    assert.match(await page.locator('svg.topology .callout.undnat').textContent(), /conntrack \(.* 방향\)/);
    await shot(page, `story-${size.name}-ko`);
    await page.click('#lang-switch');
    await done(page, watch);
  });

  test(`${size.name}: refused and dropped requests are red, marked where they stopped`, async () => {
    const { page, watch } = await app.page({ width: size.width, height: size.height });
    await loadPreset(page, 'nodeport-wrong-port');
    let v = await send(page, '10.100.0.10', '10.100.0.3:80');
    assert.equal(v.kind, 'refused', v.text);
    assert.ok(await page.locator('svg.topology polyline.trail.refused').count() >= 1, 'a refused path');
    assert.equal(await page.locator('svg.topology polyline.trail.delivered').count(), 0);
    const stroke = await page.$eval('svg.topology polyline.trail.refused', (e) => getComputedStyle(e).stroke);
    const [r, g] = stroke.match(/\d+/g).map(Number);
    assert.ok(r > 150 && g < 100, `red: ${stroke}`);
    assert.equal(await page.locator('svg.topology .marker.refused').count(), 1);
    assert.equal(await page.locator('svg.topology .word.bad[data-word-device="node/node-2"]').textContent(), 'refused');
    await shot(page, `refused-${size.name}`);

    await loadPreset(page, 'external-clusterip');
    v = await send(page, 'internet', 'svc/web:80');
    assert.equal(v.kind, 'dropped', v.text);
    assert.ok(await page.locator('svg.topology polyline.trail.dropped').count() >= 1, 'a dropped path');
    // The ✗ is at the router: inside its box.
    const at = await page.evaluate(() => {
      const m = document.querySelector('svg.topology .marker circle').getBoundingClientRect();
      const r = document.querySelector('svg.topology g.router[data-device="router/vpc"] > rect').getBoundingClientRect();
      const cx = m.left + m.width / 2;
      const cy = m.top + m.height / 2;
      return cx >= r.left && cx <= r.right && cy >= r.top && cy <= r.bottom;
    });
    assert.ok(at, 'the marker is on the router');
    assert.equal(await page.locator('svg.topology .word.bad[data-word-device="router/vpc"]').textContent(), 'dropped');
    // The route that decided is drawn in the router's table, highlighted.
    assert.equal(await page.locator('svg.topology .route.cited text.t').textContent(), 'unreachable 10.0.0.0/8');
    await shot(page, `dropped-${size.name}-light`);
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot(page, `dropped-${size.name}-dark`);
    await page.emulateMedia({ colorScheme: 'light' });
    await done(page, watch);
  });

  test(`${size.name}: zoom and pan a 20-node cluster, legible when fitted`, async () => {
    const { page, watch } = await app.page({ width: size.width, height: size.height });
    let yaml = 'apiVersion: netlab/v1\nkind: Cluster\nmetadata: {name: twenty}\nspec: {nodeCIDR: 10.100.0.0/24, podCIDR: 10.0.0.0/14, nodePodCIDRMask: 24, serviceCIDR: 10.3.240.0/20}\n';
    for (let i = 1; i <= 20; i++) yaml += `---\napiVersion: v1\nkind: Node\nmetadata: {name: node-${i}}\n`;
    yaml += '---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 40\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, ports: [{name: http, containerPort: 8080}]}]}\n';
    yaml += '---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {selector: {app: web}, ports: [{port: 80, targetPort: http}]}\n';
    await page.click('#tab-yaml');
    await page.fill('#yaml-text', yaml);
    await page.click('#yaml-apply');
    await page.waitForSelector('svg.topology g[data-device="node/node-20"]');
    const v = await send(page, 'node/node-1', 'svc/web:80');
    assert.equal(v.kind, 'delivered', v.text);
    // Nodes off the trace's path are compact; the path's are whole.
    const compact = await page.locator('svg.topology g.node.compact').count();
    const whole = await page.locator('svg.topology g.node:not(.compact)').count();
    assert.equal(compact + whole, 20);
    assert.ok(compact >= 17 && whole >= 1, `${compact} compact, ${whole} whole`);
    await page.locator('#zoom-fit').click();
    const fitted = await smallestText(page);
    console.log(`drawing ${size.name}: 20 nodes fitted at scale ${fitted.scale.toFixed(2)}, smallest text ${fitted.min.toFixed(1)} px`);
    assert.ok(fitted.min >= 9, `smallest text ${fitted.min} px`);
    const viewBox = () => page.getAttribute('svg.topology', 'viewBox');
    const vb0 = await viewBox();
    await page.locator('#zoom-in').click();
    const zin = await smallestText(page);
    assert.ok(zin.scale > fitted.scale * 1.2, 'zoomed in');
    assert.notEqual(await viewBox(), vb0);
    await page.locator('#zoom-out').click();
    await page.locator('#zoom-out').click();
    const zout = await smallestText(page);
    assert.ok(zout.scale < fitted.scale, 'zoomed out');
    // Keyboard on the focused drawing: 0 fits, + zooms, arrows pan.
    await page.locator('.zoom-frame').focus();
    await page.keyboard.press('0');
    assert.equal(await viewBox(), vb0, '0 fits again');
    await page.keyboard.press('+');
    const k = await viewBox();
    assert.notEqual(k, vb0);
    await page.keyboard.press('ArrowRight');
    assert.notEqual(await viewBox(), k, 'arrows pan');
    // Ctrl+wheel zooms at the pointer.
    await page.keyboard.press('0');
    const box = await page.locator('.zoom-frame').boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + Math.min(box.height / 2, 200));
    await page.keyboard.down('Control');
    await page.mouse.wheel(0, -300);
    await page.keyboard.up('Control');
    await page.waitForFunction((vb) => document.querySelector('svg.topology').getAttribute('viewBox') !== vb, vb0);
    assert.ok((await smallestText(page)).scale > fitted.scale, 'ctrl+wheel zooms in');
    // Dragging pans.
    const before = await viewBox();
    await page.mouse.move(box.x + 100, box.y + 100);
    await page.mouse.down();
    await page.mouse.move(box.x + 40, box.y + 60, { steps: 5 });
    await page.mouse.up();
    assert.notEqual(await viewBox(), before, 'a drag pans');
    // A collapsed node opens.
    await page.keyboard.press('0');
    await page.locator('#zoom-fit').click();
    const more = page.locator('svg.topology g.more[aria-expanded="false"]').first();
    await more.evaluate((e) => e.dispatchEvent(new MouseEvent('click', { bubbles: true })));
    await page.waitForFunction(() => document.querySelectorAll('svg.topology g.node.compact').length < 19);
    await shot(page, `20-nodes-${size.name}`);
    if (size.name === 'phone') {
      assert.ok(await page.locator('#pan-cue').isVisible(), 'the phone shows that the drawing pans sideways');
    }
    await done(page, watch);
  });
}
