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
    if (window.__timing) return;
    window.__timing = true;
    document.addEventListener('keydown', () => {
      const t0 = performance.now();
      requestAnimationFrame(() => setTimeout(() => window.__keyTimes.push(performance.now() - t0), 0));
    }, { capture: true });
  });
  for (let i = 0; i < keys.length; i++) {
    await page.keyboard.press(keys[i]);
    await page.waitForFunction((n) => window.__keyTimes.length >= n, i + 1);
  }
  return page.evaluate(() => window.__keyTimes.slice());
}

// The whole text in the YAML tab: one textarea, or the parts of a big one.
const textOf = (page) => page.evaluate(() => [...document.querySelectorAll('#yaml-editor textarea')].map((a) => a.value).join('\n'));
const parts = (page) => page.$$eval('#yaml-editor textarea.yaml-part', (a) => a.length);
// The focused part's index and caret.
const focus = (page) => page.evaluate(() => {
  const all = [...document.querySelectorAll('#yaml-editor textarea')];
  const a = document.activeElement;
  return { part: all.indexOf(a), at: a.selectionStart, end: a.selectionEnd };
});
// Puts the caret in part `i` at `at` (-1: its end; 'lastline': its last line's start).
const caretIn = (page, i, at) => page.evaluate(([i, at]) => {
  const a = document.querySelectorAll('#yaml-editor textarea')[i];
  a.focus();
  const o = at === -1 ? a.value.length : at === 'lastline' ? a.value.lastIndexOf('\n') + 1 : at;
  a.setSelectionRange(o, o);
}, [i, at]);

test('a 2 MB paste: each key press under 50 ms (printed, beside a bare textarea\'s), the keys across parts, select all and copy, an input method; the draft survives a reload', async () => {
  const { page, watch } = await fresh({ width: 1366, height: 800 });
  const yaml = bigCluster(2_000_000);
  assert.ok(yaml.length >= 2_000_000, `${yaml.length} bytes`);
  await page.click('#tab-yaml');
  const before = await page.inputValue('#yaml-text');
  assert.match(before, /kind: Cluster/);

  // The paste: one input event carrying 2 MB, into the one textarea; the
  // text is then cut into parts.
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
  const n = await parts(page);
  assert.ok(n >= 60, `${n} parts`);
  assert.equal(await page.$('#yaml-text'), null, 'no one big textarea');
  assert.equal(await textOf(page), yaml, 'the parts are the text');

  // Typing at the end: a comment line, 20 keys.
  await caretIn(page, n - 1, -1);
  const keys = ['Enter', '#', ' ', 'k', 'e', 'p', 't', ' ', 'a', 'c', 'r', 'o', 's', 's', ' ', 'r', 'e', 'l', 'o', 'a'];
  const times = await timeKeys(page, keys);
  assert.equal(times.length, 20);
  const k = stats(times);
  // And 20 in the middle of the text.
  await caretIn(page, Math.floor(n / 2), 'lastline');
  const mid = stats(await timeKeys(page, ['#', ' ', 'm', 'i', 'd', 'd', 'l', 'e', ' ', 'o', 'f', ' ', 't', 'h', 'e', ' ', 't', 'e', 'x', 't']));

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
  let typed = await textOf(page);
  assert.ok(typed.endsWith('\n# kept across reloa'), JSON.stringify(typed.slice(-30)));
  assert.ok(typed.includes('\n# middle of the text'));

  console.log(`yaml: 2 MB paste (${yaml.length} bytes, cut into ${n} parts) -> next painted frame ${f1(paste.ms)} ms`);
  console.log(`yaml: key press -> next painted frame after the 2 MB paste, at the end: median ${f1(k.median)} ms, p90 ${f1(k.p90)} ms, max ${f1(k.max)} ms (20 keys; goal < 50 ms median)`);
  console.log(`yaml: the same in the middle of the text: median ${f1(mid.median)} ms, p90 ${f1(mid.p90)} ms, max ${f1(mid.max)} ms (20 keys)`);
  console.log(`yaml: the check of 2 MB, ${400} ms after the last key: done ${f1(check)} ms after it was awaited (one parse and validation, not per key)`);
  // The same keys in a bare textarea holding the same text, in the same
  // browser: what one text control holding 2 MB costs (for context: the
  // machine is shared, and this is what the parts avoid).
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
  console.log(`yaml: goal < 50 ms median: ${k.median < 50 && mid.median < 50 ? 'met' : 'NOT MET'} (app ${f1(k.median)} / ${f1(mid.median)} ms, bare textarea ${f1(b.median)} ms)`);
  assert.ok(k.median < 50, `median key press -> paint at the end ${f1(k.median)} ms (bare textarea ${f1(b.median)} ms)`);
  assert.ok(mid.median < 50, `median key press -> paint in the middle ${f1(mid.median)} ms`);

  // The keys that cross a part's edge: down from a part's last line to the
  // next part's first, up back, right at a part's end, left at a start.
  const i = 5;
  await caretIn(page, i, 'lastline');
  await page.keyboard.press('ArrowDown');
  assert.deepEqual(await focus(page), { part: i + 1, at: 0, end: 0 });
  await page.keyboard.press('ArrowUp');
  const up = await focus(page);
  assert.equal(up.part, i);
  assert.equal(up.at, (await page.evaluate((i) => { const v = document.querySelectorAll('#yaml-editor textarea')[i].value; return v.lastIndexOf('\n') + 1; }, i)));
  await caretIn(page, i, -1);
  await page.keyboard.press('ArrowRight');
  assert.deepEqual(await focus(page), { part: i + 1, at: 0, end: 0 });
  await page.keyboard.press('ArrowLeft');
  assert.equal((await focus(page)).part, i);
  // The editor box scrolls to the caret.
  const shown = await page.evaluate(() => {
    const box = document.querySelector('#yaml-editor');
    const a = document.activeElement;
    return { top: box.scrollTop, bottom: box.scrollTop + box.clientHeight, caret: a.offsetTop + a.offsetHeight };
  });
  assert.ok(shown.caret >= shown.top && shown.caret <= shown.bottom + 40, JSON.stringify(shown));
  // Backspace at a part's start joins it to the one before; Enter splits the line again.
  const edge = await page.evaluate((i) => [...document.querySelectorAll('#yaml-editor textarea')]
    .slice(0, i + 1).reduce((sum, a) => sum + a.value.length + 1, 0) - 1, i);
  assert.equal(typed[edge], '\n');
  const parted = await parts(page);
  await caretIn(page, i + 1, 0);
  await page.keyboard.press('Backspace');
  assert.equal(await parts(page), parted - 1);
  assert.equal(await textOf(page), typed.slice(0, edge) + typed.slice(edge + 1), 'the newline between the parts is gone');
  assert.equal((await focus(page)).part, i);
  await page.keyboard.press('Enter');
  assert.equal(await textOf(page), typed, 'Backspace then Enter: the same text');

  // An input method composing Korean in a part.
  await caretIn(page, i, 0);
  await page.keyboard.press('#');
  await page.keyboard.press(' ');
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Input.imeSetComposition', { text: 'ㅎ', selectionStart: 1, selectionEnd: 1 });
  await cdp.send('Input.imeSetComposition', { text: '하', selectionStart: 1, selectionEnd: 1 });
  await cdp.send('Input.imeSetComposition', { text: '한', selectionStart: 1, selectionEnd: 1 });
  await cdp.send('Input.insertText', { text: '한' });
  await page.keyboard.press('Enter');
  const korean = await textOf(page);
  const at = korean.indexOf('# 한\n');
  assert.ok(at > 0, 'the composed syllable is in the text');
  assert.equal(korean.slice(0, at) + korean.slice(at + 4), typed, 'and nothing else changed');
  typed = korean;

  // The browser's find (window.find here: the find bar cannot be driven
  // headless) finds text in any part, and the box scrolls to it.
  const found = await page.evaluate(async () => {
    document.activeElement.blur();
    const ok = window.find('name: pod-5000');
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 50)));
    const box = document.querySelector('#yaml-editor');
    const a = document.activeElement;
    if (a.tagName !== 'TEXTAREA') return { ok, active: a.tagName, sel: String(getSelection()) };
    const line = a.value.slice(0, a.selectionStart).split('\n').length - 1;
    const y = a.offsetTop + line * parseFloat(getComputedStyle(a).lineHeight);
    return { ok, part: [...box.querySelectorAll('textarea')].indexOf(a), text: a.value.slice(a.selectionStart, a.selectionEnd),
      y, top: box.scrollTop, bottom: box.scrollTop + box.clientHeight };
  });
  assert.ok(found.ok && found.part > 0, JSON.stringify(found));
  assert.equal(found.text, 'name: pod-5000');
  assert.ok(found.y >= found.top && found.y <= found.bottom, `the found line in view: ${JSON.stringify(found)}`);

  // Ctrl+A selects the whole text; copy takes it all; an arrow key ends it.
  await caretIn(page, 3, 0);
  await page.evaluate(() => {
    window.__copied = null;
    window.addEventListener('copy', (e) => { window.__copied = e.clipboardData.getData('text/plain'); });
  });
  await page.keyboard.press('Control+a');
  assert.ok(await page.$('#yaml-editor.all'), 'every part shown selected');
  await page.keyboard.press('Control+c');
  if ((await page.evaluate(() => window.__copied)) === null) await page.evaluate(() => document.execCommand('copy'));
  const copied = await page.evaluate(() => window.__copied);
  assert.equal(copied?.length, typed.length, 'copy takes the whole text');
  assert.equal(copied, typed);
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.$('#yaml-editor.all'), null);
  await page.screenshot({ path: 'target/e2e/yaml-2mb-1366.png' });

  // The unapplied draft survives a reload: the YAML tab opens on it, in parts.
  await page.waitForSelector('#yaml-status.ok');
  await reload(page);
  await page.waitForSelector('#yaml-draft-note');
  assert.equal(await page.getAttribute('#tab-yaml', 'aria-selected'), 'true');
  assert.match(await page.textContent('#yaml-draft-note'), /Unapplied draft restored/);
  await page.waitForSelector('#yaml-status.ok');
  assert.equal(await textOf(page), typed, 'the restored draft is the typed text');
  assert.ok((await parts(page)) >= 60);

  // Select all and Delete: the whole text goes (one textarea again).
  await caretIn(page, 2, 0);
  await page.keyboard.press('Control+a');
  await page.keyboard.press('Delete');
  assert.equal(await textOf(page), '');
  assert.ok(await page.$('#yaml-text'));

  // Reverting drops the draft: the scenario shows, and a reload opens the Trace tab.
  await page.click('#yaml-revert');
  assert.equal(await page.inputValue('#yaml-text'), before);
  assert.equal(await page.$('#yaml-draft-note'), null);
  await reload(page);
  await page.waitForSelector('#trace-h');
  assert.equal(await page.getAttribute('#tab-trace', 'aria-selected'), 'true');
  assert.deepEqual(watch.errors, []);
  await page.close();
});

test('a 2 MB paste on a phone (390x844): each key press under 50 ms; the parts in light and dark, English and Korean', async () => {
  const yaml = bigCluster(2_000_000);
  for (const [lang, scheme] of [['en', 'light'], ['ko', 'dark']]) {
    const { page, watch } = await fresh({ width: 390, height: 844 });
    await page.emulateMedia({ colorScheme: scheme });
    if (lang === 'ko') {
      await page.click('#lang-switch');
      await page.waitForFunction(() => document.documentElement.lang === 'ko');
    }
    await page.click('#tab-yaml');
    await paste(page, yaml);
    const n = await parts(page);
    assert.ok(n >= 60, `${n} parts`);
    await caretIn(page, n - 1, -1);
    const keys = ['Enter', '#', ' ', 'o', 'n', ' ', 'a', ' ', 'p', 'h', 'o', 'n', 'e', ' ', 't', 'o', 'o', ' ', 'o', 'k'];
    const ts = await timeKeys(page, keys);
    const k = stats(ts);
    console.log(`yaml 390x844 (${lang}, ${scheme}): key press -> next painted frame after the 2 MB paste: median ${f1(k.median)} ms, p90 ${f1(k.p90)} ms, max ${f1(k.max)} ms (20 keys; goal < 50 ms)`);
    assert.ok(k.median < 50, `median ${f1(k.median)} ms`);
    assert.ok((await textOf(page)).endsWith('\n# on a phone too ok'));
    await page.waitForSelector('#yaml-status.ok', { timeout: 30000 });
    // The editor box on screen, with the caret's line in it.
    await page.locator('#yaml-editor').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `target/e2e/yaml-2mb-390-${lang}-${scheme}.png` });
    await page.click('#yaml-revert');
    assert.deepEqual(watch.errors, []);
    await page.close();
  }
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
