// The prerendered first screen (index.html's #first-screen, from
// static/first-screen.html): it is what the app draws at start (captured
// again here and compared), shown only when the app will start on it,
// inert, and replaced by the live app.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { withBrowser } from './browser.mjs';
import { watch } from './app.mjs';
import { capture, VIEWPORT, watchFirstScreen } from './first-screen.mjs';

test('the first screen is what the app draws at start', () => withBrowser(async ({ server, browser }) => {
  const committed = fs.readFileSync('static/first-screen.html', 'utf8').trim();
  const built = fs.readFileSync('dist/index.html', 'utf8');
  assert.ok(built.includes(committed), 'dist/index.html carries static/first-screen.html (rebuild)');
  const now = await capture(browser.context, server.url);
  assert.ok(now === committed,
    'static/first-screen.html differs from what the app draws: run `node scripts/first-screen.mjs` and rebuild');
}));

test('a first visit sees the first screen, inert, until the app replaces it', () => withBrowser(async ({ server, browser }) => {
  const page = await browser.context.newPage();
  await page.setViewportSize(VIEWPORT);
  const { errors, offOrigin } = watch(page, server.origin);
  await watchFirstScreen(page);
  // Hold the wasm back: the first screen must paint from the HTML and CSS.
  let release;
  const held = new Promise((r) => { release = r; });
  await page.route(/\.wasm$/, async (route) => { await held; await route.continue(); });
  await page.goto(server.url, { waitUntil: 'domcontentloaded' });
  await page.waitForFunction(() => window.__fs.screen !== null);
  const before = await page.evaluate(() => ({
    fs: window.__fs,
    inert: document.querySelector('#first-screen .first-screen-app').inert,
    skeleton: getComputedStyle(document.getElementById('skeleton')).display,
    title: document.querySelector('#first-screen .scenario-title')?.textContent,
    from: document.querySelector('#first-screen form.request input')?.value,
    status: document.querySelector('#first-screen [role=status]')?.textContent,
  }));
  console.log(`first screen before the wasm: ${JSON.stringify(before)}`);
  assert.equal(before.fs.shown, true);
  assert.equal(before.inert, true, 'nothing in it can be used before the app mounts');
  assert.equal(before.skeleton, 'none');
  assert.match(before.title, /ClusterIP/);
  assert.equal(before.from, 'pod/client');
  assert.match(before.status, /Loading/);
  fs.mkdirSync('target/e2e', { recursive: true });
  await page.screenshot({ path: 'target/e2e/first-screen.png' });
  // A click on its Send does nothing: no trace, no app.
  await page.mouse.click(...await page.locator('#first-screen button.primary').evaluate((b) => {
    const r = b.getBoundingClientRect();
    return [r.x + r.width / 2, r.y + r.height / 2];
  }));
  assert.equal(await page.locator('#verdict').count(), 0);
  release();
  await page.waitForSelector('#trace-h', { timeout: 30000 });
  assert.equal(await page.locator('#first-screen, #skeleton').count(), 0, 'the app replaced it');
  assert.deepEqual(errors, []);
  assert.deepEqual(offOrigin, []);
}));

test('a returning reader, a share link, Korean, an embed: the skeleton, never a wrong cluster', () => withBrowser(async ({ server, browser }) => {
  const cases = [
    { name: 'saved work', set: { 'k8s-netlab/v1/workspace': '{}' } },
    { name: 'a YAML draft', set: { 'k8s-netlab/v1/yaml-draft': '{}' } },
    { name: 'Korean chosen', set: { 'k8s-netlab/v1/pref/lang': 'ko' } },
    { name: 'a share link', hash: '#s=1.AAAA' },
    { name: 'an embed', query: '?embed=1&preset=nodeport' },
    { name: 'a lesson', query: '?lesson=clusterip' },
  ];
  for (const c of cases) {
    const page = await browser.context.newPage();
    await page.setViewportSize(VIEWPORT);
    await page.goto(server.url + 'favicon.svg');
    await page.evaluate((set) => {
      localStorage.clear();
      for (const [k, v] of Object.entries(set)) localStorage.setItem(k, v);
    }, c.set ?? {});
    await watchFirstScreen(page);
    await page.route(/\.wasm$/, () => {}); // never answered: the page before the app
    await page.goto(server.url + (c.query ?? '') + (c.hash ?? ''), { waitUntil: 'domcontentloaded' });
    await page.waitForTimeout(300);
    const r = await page.evaluate(() => ({
      fs: window.__fs,
      present: !!document.getElementById('first-screen'),
      skeleton: getComputedStyle(document.getElementById('skeleton')).display,
    }));
    console.log(`${c.name}: ${JSON.stringify(r)}`);
    assert.equal(r.fs.shown, false, c.name);
    assert.equal(r.present, false, `${c.name}: the first screen is removed`);
    assert.equal(r.fs.screen, null, `${c.name}: never painted`);
    assert.notEqual(r.skeleton, 'none', `${c.name}: the skeleton shows`);
    await page.close();
  }
  // And the control: a first visit in the same browser does see it.
  const page = await browser.context.newPage();
  await page.goto(server.url + 'favicon.svg');
  await page.evaluate(() => localStorage.clear());
  await watchFirstScreen(page);
  await page.route(/\.wasm$/, () => {});
  await page.goto(server.url, { waitUntil: 'domcontentloaded' });
  await page.waitForFunction(() => window.__fs.screen !== null);
}));
