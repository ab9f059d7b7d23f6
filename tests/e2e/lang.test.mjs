// The interface in Korean: the playground's language switch turns every
// panel Korean (and the page's lang attribute), the choice survives a
// reload, and an embed with data-lang="ko" (lang=ko in its address) speaks
// Korean whatever the saved choice.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { start } from './app.mjs';

const HANGUL = /[\uac00-\ud7a3]/;

let app;
before(async () => {
  fs.mkdirSync('target/e2e', { recursive: true });
  app = await start();
});
after(async () => { await app.stop(); });

const text = (page, sel) => page.textContent(sel);
const docLang = (page) => page.evaluate(() => document.documentElement.getAttribute('lang'));

test('the playground switches to Korean and remembers it', async () => {
  const { page, watch } = await app.page();
  const send = 'form.request button[type=submit]';
  assert.equal(await text(page, send), 'Send');
  assert.equal(await text(page, '#lang-switch'), '한국어');
  assert.equal(await docLang(page), 'en');

  await page.click('#lang-switch');
  await page.waitForFunction(() => /[\uac00-\ud7a3]/.test(document.querySelector('form.request button[type=submit]').textContent));
  for (const sel of [send, '#tab-trace', '#tab-rules', '#tab-edit', '#trace-h', '#scenario-title', '.tagline', '#undo']) {
    assert.match(await text(page, sel), HANGUL, sel);
  }
  assert.equal(await text(page, '#tab-yaml'), 'YAML');
  assert.equal(await text(page, '#lang-switch'), 'English');
  assert.equal(await docLang(page), 'ko');
  assert.match(await page.getAttribute('svg.topology', 'aria-label'), HANGUL);
  // A trace, played to its end, ends in a Korean verdict.
  await page.fill('#from', 'pod/client');
  await page.fill('#to', 'svc/web:80');
  await page.click(send);
  await page.click('button[aria-label="끝으로"]');
  await page.waitForSelector('#verdict:not([data-verdict="pending"])');
  assert.equal(await page.getAttribute('#verdict', 'data-verdict'), 'delivered');
  assert.match(await text(page, '#verdict'), /에 전달됨/);
  // The hops' sentences are Korean too (the engine's), addresses kept.
  const note = await text(page, '.hops > li:first-child .note');
  assert.match(note, HANGUL);
  assert.match(note, /10\.3\.241\.152:80/);
  // A hop's decision line in prose is Korean; tool output stays as printed.
  const decisions = await page.$$eval('.hops .decision', (els) => els.map((e) => e.textContent));
  assert.ok(decisions.includes('eth0에 도착'), decisions.join(' | '));
  assert.ok(decisions.some((d) => /^(-A KUBE-|default via )/.test(d)), decisions.join(' | '));
  // The request menus' labels too, their values unchanged.
  const options = await page.$$eval('#sources option, #destinations option', (els) => els.map((e) => [e.value, e.textContent]));
  const label = (v) => (options.find(([value]) => value === v) || [])[1];
  assert.equal(label('pod/client'), '파드 client (10.0.1.2)');
  assert.equal(label('svc/web:80'), '서비스 web 포트 80');
  assert.equal(label('10.3.241.152:80'), 'web의 ClusterIP');
  for (const [v, l] of options) assert.match(l, HANGUL, v);
  // The editor too, ids unchanged.
  await page.click('#tab-edit');
  assert.match(await text(page, '#editor-title'), HANGUL);

  await page.reload({ waitUntil: 'load' });
  await page.waitForSelector('#trace-h');
  assert.match(await text(page, send), HANGUL, 'remembered');
  assert.equal(await docLang(page), 'ko');
  await page.screenshot({ path: 'target/e2e/playground-ko.png', fullPage: true });

  await page.click('#lang-switch');
  await page.waitForFunction(() => document.querySelector('form.request button[type=submit]').textContent === 'Send');
  assert.equal(await docLang(page), 'en');
  assert.deepEqual(watch.errors, []);
  assert.deepEqual(watch.offOrigin, []);
  await page.close();
});

test('the panel tabs follow the WAI-ARIA keyboard pattern', async () => {
  const { page, watch } = await app.page();
  await page.waitForSelector('#tab-trace');
  assert.equal(await page.getAttribute('[role=tablist] #tab-trace', 'aria-selected'), 'true');
  assert.equal(await page.getAttribute('#tab-trace', 'tabindex'), '0');
  assert.equal(await page.getAttribute('#tab-rules', 'tabindex'), '-1');
  assert.equal(await page.getAttribute('#tab-rules', 'aria-controls'), 'tab-panel');
  assert.equal(await page.getAttribute('[role=tabpanel]', 'aria-labelledby'), 'tab-trace');
  await page.focus('#tab-trace');
  await page.keyboard.press('ArrowRight');
  await page.waitForSelector('[role=tabpanel] #rules-h');
  assert.equal(await page.getAttribute('#tab-rules', 'aria-selected'), 'true');
  assert.equal(await page.getAttribute('#tab-trace', 'tabindex'), '-1');
  assert.equal(await page.getAttribute('[role=tabpanel]', 'aria-labelledby'), 'tab-rules');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'tab-rules');
  await page.keyboard.press('End');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'tab-yaml');
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'tab-trace');
  await page.waitForSelector('[role=tabpanel] #trace-h');
  await page.keyboard.press('ArrowLeft');
  assert.equal(await page.getAttribute('#tab-yaml', 'aria-selected'), 'true');
  assert.deepEqual(watch.errors, []);
  await page.close();
});

test('an embed with lang=ko speaks Korean, without it English', async () => {
  const { page, watch } = await app.page();
  await page.goto(app.server.url + '?embed=1&preset=nodeport&lang=ko&trace=10.100.0.10,10.100.0.3:30080', { waitUntil: 'load' });
  // Straight to the verdict ("To the end", in Korean) rather than the whole animation.
  await page.click('button[aria-label="끝으로"]');
  await page.waitForSelector('#verdict:not([data-verdict="pending"])', { timeout: 20000 });
  assert.equal(await docLang(page), 'ko');
  for (const sel of ['#trace-h', '#tab-trace', '#scenario-title', 'form.request button[type=submit]', '#verdict']) {
    assert.match(await text(page, sel), HANGUL, sel);
  }
  assert.equal(await page.$('#lang-switch'), null, 'no switch in an embed');
  await page.screenshot({ path: 'target/e2e/embed-ko.png', fullPage: true });

  await page.goto(app.server.url + '?embed=1&preset=nodeport', { waitUntil: 'load' });
  await page.waitForSelector('#trace-h', { state: 'attached' });
  assert.equal(await text(page, '#trace-h'), 'Send a packet');
  assert.equal(await docLang(page), 'en');
  assert.deepEqual(watch.errors, []);
  await page.close();
});

// The Korean fonts used for a node: Chromium's own answer (CDP), so a test
// sees real Hangul glyphs, not boxes from a missing font.
async function platformFonts(page, sel) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('DOM.enable');
  await cdp.send('CSS.enable');
  const { root } = await cdp.send('DOM.getDocument', { depth: -1 });
  const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector: sel });
  const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
  await cdp.detach();
  return fonts;
}

test('a lesson in Korean: a real Korean font, whole words, the editor\'s own words', async () => {
  for (const size of [{ width: 1366, height: 800 }, { width: 390, height: 844 }]) {
    const { page, watch } = await app.page(size);
    await page.goto(app.server.url + '?lesson=static-route', { waitUntil: 'load' });
    await page.waitForSelector('#lesson-check');
    await page.click('#lang-switch');
    await page.waitForFunction(() => document.documentElement.lang === 'ko');
    const task = await text(page, '#lesson-task p');
    assert.match(task, /정적 라우팅/);
    assert.doesNotMatch(task, /Static routes/);
    assert.match(await text(page, 'details.editor-section[data-kind="Route"] summary'), /정적 라우팅/);
    for (const label of ['이름', '목적지 (CIDR)', '다음 홉', '라우트 추가']) assert.ok(task.includes(label), label);
    // Words kept whole; long tokens may still wrap.
    const style = await page.$eval('#lesson-task p', (e) => {
      const c = getComputedStyle(e);
      return { wordBreak: c.wordBreak, overflowWrap: c.overflowWrap, font: c.fontFamily };
    });
    assert.equal(style.wordBreak, 'keep-all');
    assert.equal(style.overflowWrap, 'anywhere');
    assert.match(style.font, /^"Noto Sans CJK KR", "Noto Sans KR", "Apple SD Gothic Neo", "Malgun Gothic", "Nanum Gothic"/);
    const fonts = await platformFonts(page, '#lesson-task p');
    assert.ok(fonts.some((f) => /Noto Sans CJK|Noto Sans KR|Nanum|Malgun|Apple SD/.test(f.familyName) && f.glyphCount > 20),
      `Hangul drawn by a Korean font: ${JSON.stringify(fonts)}`);
    // The English page's language button too.
    for (const scheme of ['light', 'dark']) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: `target/e2e/lesson-3-open-${size.width}-ko-${scheme}.png` });
    }
    await page.emulateMedia({ colorScheme: 'light' });
    await page.click('#lang-switch');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    const button = await platformFonts(page, '#lang-switch');
    assert.ok(button.some((f) => /CJK|KR|Nanum|Malgun|Gothic/.test(f.familyName)), JSON.stringify(button));
    assert.deepEqual(watch.errors, []);
    await page.close();
  }
});
