// The embed demo page: three widgets from `embed.js`, each an iframe of the
// embed view that loads its preset, shows its trace, has no editor chrome
// unless editable, and sizes itself; nothing leaves the page's origin and
// nothing is logged as an error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { serve } from './serve.mjs';
import { launch } from './browser.mjs';
import { watch } from './app.mjs';

test('the demo page shows three working widgets', async () => {
  const server = await serve('dist');
  const browser = await launch();
  try {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 1200, height: 900 });
    const { errors, offOrigin } = watch(page, server.origin);
    await page.goto(server.url + 'demo.html', { waitUntil: 'load' });
    assert.deepEqual(await page.evaluate(() => Object.keys(window).filter((k) => k.startsWith('netlab'))), ['netlab']);
    const expected = {
      'w-clusterip': { verdict: 'delivered', editable: false },
      'w-wrong-port': { verdict: 'refused', editable: false },
      'w-nodeport': { verdict: 'delivered', editable: true },
    };
    for (const [id, want] of Object.entries(expected)) {
      await page.locator(`#${id}`).scrollIntoViewIfNeeded();
      const iframe = page.locator(`#${id} iframe`);
      await iframe.waitFor();
      const frame = page.frameLocator(`#${id} iframe`);
      await frame.locator('#verdict:not([data-verdict="pending"])').waitFor({ timeout: 20000 });
      assert.equal(await frame.locator('#verdict').getAttribute('data-verdict'), want.verdict, id);
      assert.equal(await frame.locator('header.top').count(), 0, `${id}: no toolbar`);
      assert.equal(await frame.locator('#tab-edit').count(), want.editable ? 1 : 0, `${id}: editing panels`);
      assert.ok(await frame.locator('svg.topology g.node').count() >= 3, `${id}: the drawing`);
      // The widget reported its height and the frame took it.
      await page.waitForFunction((sel) => {
        const f = document.querySelector(sel);
        return f && f.height !== f.parentElement.dataset.height;
      }, `#${id} iframe`);
      const src = await iframe.getAttribute('src');
      assert.match(src, /index\.html\?embed=1&preset=/);
    }
    // The host page's own styles are untouched: no stylesheet was added.
    assert.equal(await page.evaluate(() => document.styleSheets.length), 1);
    fs.mkdirSync('target/e2e', { recursive: true });
    await page.screenshot({ path: 'target/e2e/embed-demo.png', fullPage: true });
    assert.deepEqual(errors, [], 'console errors');
    assert.deepEqual(offOrigin, [], 'requests off the page origin');
  } finally {
    await browser.close();
    server.close();
  }
});

test('an embed loads a scenario file from its own site, and says so when it cannot', async () => {
  const server = await serve('dist');
  const browser = await launch();
  try {
    const page = await browser.context.newPage();
    const { errors, offOrigin } = watch(page, server.origin);
    await page.goto(server.url + 'index.html?embed=1&src=scenarios/nodeport.yaml&trace=10.100.0.10+->+10.100.0.3:30080', { waitUntil: 'load' });
    await page.waitForSelector('#verdict[data-verdict="delivered"]', { timeout: 20000 });
    assert.match(await page.textContent('#scenario-title'), /Imported/);
    assert.deepEqual(errors, []);
    assert.deepEqual(offOrigin, []);
    // Another site's file is refused by the page's policy, with a message.
    const other = await browser.context.newPage();
    const w2 = watch(other, server.origin);
    await other.goto(server.url + 'index.html?embed=1&src=http://127.0.0.2:9/x.yaml', { waitUntil: 'load' });
    await other.waitForSelector('#notice.bad');
    assert.match(await other.textContent('#notice'), /scenario did not load/);
    // (The address is on loopback: nothing leaves the machine even if tried.)
    assert.ok(w2.offOrigin.length <= 1, 'at most the refused attempt');
  } finally {
    await browser.close();
    server.close();
  }
});
