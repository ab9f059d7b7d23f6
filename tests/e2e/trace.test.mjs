// The trace panel follows the packet: at every step of the story's 43-hop
// trace the current hop is on screen (the list scrolls itself, the page
// does not move), device-level steps by default, the keyboard steps, and
// the hop where a request was refused or dropped is marked with a word.
// At 1366x800 and 390x844; screenshots in target/e2e/trace-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { start, loadPreset, send, verdict } from './app.mjs';

const SIZES = [
  { name: 'desktop', width: 1366, height: 800, phone: false },
  { name: 'phone', width: 390, height: 844, phone: true },
];

let app;
before(async () => {
  fs.mkdirSync('target/e2e', { recursive: true });
  app = await start();
});
after(async () => { await app.stop(); });

// Sends the story's request (the default one) and stops the player at the
// start.
async function story(page) {
  await page.click('#tab-trace');
  await page.fill('#from', 'pod/client');
  await page.fill('#to', 'svc/web:80');
  await page.click('form.request button[type=submit]');
  await page.click('.player button:first-child');
  await page.evaluate(() => document.activeElement && document.activeElement.blur());
}

// Where the current hop is, against the list's box, the screen and the
// line under the player.
function where(page) {
  return page.evaluate(() => {
    const cur = [...document.querySelectorAll('[aria-current="step"]')];
    const list = document.querySelector('#hop-list');
    const now = document.querySelector('#now');
    const r = (e) => { const b = e.getBoundingClientRect(); return { top: b.top, bottom: b.bottom }; };
    return {
      count: cur.length,
      device: cur[0] ? cur[0].dataset.device : null,
      index: cur[0] ? [...cur[0].parentElement.children].indexOf(cur[0]) : -1,
      cur: cur[0] ? r(cur[0]) : null,
      list: r(list),
      scrolls: list.scrollHeight > list.clientHeight + 1,
      now: now && now.dataset.device ? { ...r(now), device: now.dataset.device, shown: getComputedStyle(now).display !== 'none' } : null,
      innerHeight: window.innerHeight,
      scrollY: window.scrollY,
      count_text: document.querySelector('#step-count').textContent,
    };
  });
}

function assertInView(w, size, label) {
  assert.equal(w.count, 1, `${label}: one aria-current`);
  if (size.phone) {
    // No scroll box inside the page: the line under the player names the
    // current hop, on screen.
    assert.ok(!w.scrolls, `${label}: the list is not a scroll box on a phone`);
    assert.ok(w.now && w.now.shown, `${label}: the current step under the player`);
    assert.equal(w.now.device, w.device, label);
    assert.ok(w.now.top >= 0 && w.now.bottom <= w.innerHeight, `${label}: #now on screen ${JSON.stringify(w.now)}`);
  } else {
    // The whole hop, or its head when it is taller than the list (a hop
    // with many rules).
    const band = Math.min(w.list.bottom, w.innerHeight) - Math.max(w.list.top, 0);
    const bottom = w.cur.bottom - w.cur.top > band - 16 ? w.cur.top + 40 : w.cur.bottom;
    assert.ok(w.cur.top >= w.list.top - 1 && bottom <= w.list.bottom + 1,
      `${label}: in the list's box ${JSON.stringify(w)}`);
    assert.ok(w.cur.top >= 0 && bottom <= w.innerHeight,
      `${label}: on screen ${JSON.stringify(w)}`);
  }
}

for (const size of SIZES) {
  test(`${size.name}: every hop of the story in view, the page still`, async () => {
    const { page, watch } = await app.page({ width: size.width, height: size.height });
    await story(page);
    await page.check('#every-hop');
    await page.evaluate(() => document.activeElement.blur());
    const hops = await page.$$eval('#hop-list > ol.hops > li', (els) => els.length);
    assert.ok(hops >= 40, `${hops} hops`);
    const start = await where(page);
    if (!size.phone) assert.ok(start.scrolls, 'the list scrolls on a wide screen');
    for (let i = 1; i <= hops; i++) {
      await page.keyboard.press(i % 2 ? 'ArrowRight' : 'j');
      const w = await where(page);
      assert.equal(w.count_text, `hop ${i} of ${hops}`);
      assert.equal(w.index, i - 1, `hop ${i} is the current one`);
      assertInView(w, size, `hop ${i}`);
      assert.equal(w.scrollY, start.scrollY, `hop ${i}: the page did not move`);
    }
    assert.equal((await verdict(page)).kind, 'delivered');
    // And back with the other keys.
    for (let i = hops - 1; i >= hops - 5; i--) {
      await page.keyboard.press(i % 2 ? 'ArrowLeft' : 'k');
      const w = await where(page);
      assert.equal(w.index, i - 1);
      assertInView(w, size, `back to hop ${i}`);
      assert.equal(w.scrollY, start.scrollY);
    }
    assert.deepEqual(watch.errors, []);
    await page.close();
  });

  test(`${size.name}: the story in device-level steps`, async () => {
    const { page, watch } = await app.page({ width: size.width, height: size.height });
    await story(page);
    assert.equal(await page.isChecked('#every-hop'), false);
    const steps = await page.$$eval('#hop-list > ol.steps > li.step', (els) => els.map((e) => e.dataset.device));
    assert.ok(steps.length >= 6 && steps.length <= 12, `${steps.length} steps: ${steps.join(' ')}`);
    assert.equal(steps[0], 'pod/client');
    assert.ok(steps.includes('router/vpc'));
    const start = await where(page);
    const seen = [];
    for (let i = 1; i <= steps.length; i++) {
      await page.keyboard.press('ArrowRight');
      const w = await where(page);
      assert.equal(w.count_text, `step ${i} of ${steps.length}`);
      assert.equal(w.index, i - 1);
      assertInView(w, size, `step ${i}`);
      assert.equal(w.scrollY, start.scrollY, `step ${i}: the page did not move`);
      seen.push(w.device);
    }
    assert.deepEqual(seen, steps);
    // The NAT step says what changed, in a line; its hops open beneath.
    const nat = page.locator('li.step.nat').first();
    assert.match(await nat.locator('.summary').textContent(), /NAT\s*dst 10\.3\.241\.152:80 → 10\.0\.2\.\d+:8080/);
    await nat.locator('details.step-hops > summary').click();
    assert.ok(await nat.locator('ol.hops > li.hop.nat').isVisible());
    // Space on the player plays and pauses; every button has a tooltip.
    await page.focus('.player');
    await page.keyboard.press('Space');
    await page.waitForSelector('button[aria-label="Pause"]');
    await page.keyboard.press('Space');
    await page.waitForSelector('button[aria-label="Play"]');
    const titles = await page.$$eval('.player button', (els) => els.map((e) => e.title));
    assert.equal(titles.length, 5);
    for (const t of titles) assert.ok(t.length > 3, t);
    assert.deepEqual(watch.errors, []);
    await page.close();
  });
}

test('desktop: playing at any speed keeps the current hop on screen', async () => {
  const { page, watch } = await app.page({ width: 1366, height: 800 });
  await story(page);
  await page.check('#every-hop');
  await page.selectOption('#speed', 'fast');
  const y = await page.evaluate(() => window.scrollY);
  // A watcher in the page checks every frame while it plays.
  await page.evaluate(() => {
    window.__bad = []; window.__frames = 0;
    const check = () => {
      const cur = document.querySelector('[aria-current="step"]');
      const list = document.querySelector('#hop-list');
      if (cur) {
        window.__frames++;
        const c = cur.getBoundingClientRect(); const l = list.getBoundingClientRect();
        const band = Math.min(l.bottom, innerHeight) - Math.max(l.top, 0);
        const bottom = c.bottom - c.top > band - 16 ? c.top + 40 : c.bottom;
        if (c.top < l.top - 1 || bottom > l.bottom + 1 || c.top < 0 || bottom > innerHeight) window.__bad.push(cur.textContent.slice(0, 40));
      }
      if (!window.__stop) requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  });
  await page.click('button[aria-label="Play"]');
  await page.waitForSelector('#verdict:not([data-verdict="pending"])', { timeout: 30000 });
  const { bad, frames } = await page.evaluate(() => { window.__stop = true; return { bad: window.__bad, frames: window.__frames }; });
  assert.ok(frames > 10, `${frames} frames watched`);
  // A frame may catch the list between a step and its scroll (same task:
  // never painted); none may stay out.
  assert.ok(bad.length <= 2, bad.join(' | '));
  assert.equal(await page.evaluate(() => window.scrollY), y);
  // The speed is remembered.
  await page.reload();
  await page.waitForSelector('#trace-h');
  await page.click('form.request button[type=submit]');
  assert.equal(await page.inputValue('#speed'), 'fast');
  assert.equal(await page.isChecked('#every-hop'), true);
  assert.deepEqual(watch.errors, []);
  await page.close();
});

for (const size of SIZES) {
  test(`${size.name}: a refused and a dropped request are marked where it happened`, async () => {
    const { page, watch } = await app.page({ width: size.width, height: size.height });
    await loadPreset(page, 'nodeport-wrong-port');
    const v = await send(page, '10.100.0.10', '10.100.0.3:80');
    assert.equal(v.kind, 'refused');
    assert.ok(await page.$eval('#verdict', (e) => e.classList.contains('refused')));
    const marked = await page.$$eval('li.step.end', (els) => els.map((e) => ({
      device: e.dataset.device, cls: e.className, mark: e.querySelector('.mark').textContent,
      color: getComputedStyle(e.querySelector('.mark')).color,
    })));
    assert.equal(marked.length, 1, JSON.stringify(marked));
    assert.equal(marked[0].device, 'node/node-2');
    assert.match(marked[0].cls, /\brefused\b/);
    assert.equal(marked[0].mark, 'refused here');
    const [r, g, b] = marked[0].color.match(/\d+/g).map(Number);
    assert.ok(r > g + 40 && r > b + 40, `red-ish: ${marked[0].color}`);
    // In every hop: the socket where nothing listens.
    await page.check('#every-hop');
    const hop = await page.$eval('#hop-list > ol.hops > li.end.refused', (e) => e.querySelector('.at').textContent);
    assert.equal(hop, 'socket');
    await page.screenshot({ path: `target/e2e/trace-refused-${size.name}.png` });
    await page.uncheck('#every-hop');

    await loadPreset(page, 'external-clusterip');
    const d = await send(page, 'internet', 'svc/web:80');
    assert.equal(d.kind, 'dropped');
    const dropped = await page.$$eval('li.step.end', (els) => els.map((e) => [e.dataset.device, e.querySelector('.mark').textContent]));
    assert.deepEqual(dropped, [['router/vpc', 'dropped here']]);
    // A delivered one: both legs' ends, in green, by word.
    await loadPreset(page, 'clusterip');
    await send(page, 'pod/client', 'svc/web:80');
    const ok = await page.$$eval('li.step.end > .mark', (els) => els.map((e) => [e.textContent, getComputedStyle(e).color]));
    assert.deepEqual(ok.map((x) => x[0]), ['delivered', 'answer delivered']);
    const [r2, g2] = ok[0][1].match(/\d+/g).map(Number);
    assert.ok(g2 > r2, `green-ish: ${ok[0][1]}`);
    assert.deepEqual(watch.errors, []);
    await page.close();
  });
}

test('phone: Send and the verdict in the first screen', async () => {
  const { page, watch } = await app.page({ width: 390, height: 844 });
  const sendBox = await page.locator('form.request button[type=submit]').boundingBox();
  assert.ok(sendBox.y + sendBox.height <= 844, `Send at y=${sendBox.y}`);
  await page.click('form.request button[type=submit]');
  // (A click from script: Playwright's own would scroll to the button.)
  await page.$eval('button[aria-label="To the end"]', (b) => b.click());
  await page.waitForSelector('#verdict:not([data-verdict="pending"])');
  const v = await page.locator('#verdict').boundingBox();
  assert.equal(await page.evaluate(() => window.scrollY), 0);
  assert.ok(v.y < 844 - 20, `the verdict starts at y=${v.y}`);
  console.log(`phone: Send bottom at y=${Math.round(sendBox.y + sendBox.height)}, verdict top at y=${Math.round(v.y)}`);
  assert.deepEqual(watch.errors, []);
  await page.close();
});

test('screenshots: light and dark, English and Korean, both sizes', async () => {
  for (const size of SIZES) {
    for (const lang of ['en', 'ko']) {
      for (const scheme of ['light', 'dark']) {
        const { page } = await app.page({ width: size.width, height: size.height });
        await page.emulateMedia({ colorScheme: scheme });
        if (lang === 'ko') {
          await page.click('#lang-switch');
          await page.waitForFunction(() => document.documentElement.lang === 'ko');
        }
        await story(page);
        for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowRight');
        await page.screenshot({ path: `target/e2e/trace-${size.name}-${lang}-${scheme}.png` });
        await page.close();
      }
    }
  }
});
