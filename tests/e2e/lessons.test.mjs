// The lessons past the story (the questions learners ask most, ping
// included): each
// lesson's task done through the page as a learner does it, in English and
// in Korean, its check false before the task is done and true after; predict
// mode inside a lesson, answered with the keyboard only. Screenshots of the
// client-ip lesson at 1366x800 and 390x844, light and dark, English and
// Korean: target/e2e/lessons-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { start, verdict } from './app.mjs';

let app;
before(async () => {
  fs.mkdirSync('target/e2e', { recursive: true });
  app = await start();
});
after(async () => { await app.stop(); });

// The interface's words the tasks name, in both languages (the editor's
// labels, as lessons.rs's tasks quote them).
const WORDS = {
  en: {
    edit: 'Edit', apply: 'Apply changes', selector: 'Selector (k=v; blank = no selector)',
    etp: 'External traffic policy', labels: 'Labels (k=v, k2=v2)', lesson: /^Lesson \d+\. /,
  },
  ko: {
    edit: '편집', apply: '변경 적용', selector: '셀렉터 (k=v; 비우면 셀렉터 없음)',
    etp: '외부 트래픽 정책', labels: '레이블 (k=v, k2=v2)', lesson: /^레슨 \d+\. /,
  },
};

async function open(page, id, lang) {
  await page.goto(app.server.url + `?lesson=${id}`, { waitUntil: 'load' });
  await page.waitForSelector('#lesson-check');
  const now = await page.evaluate(() => document.documentElement.lang);
  if (now !== lang) {
    await page.click('#lang-switch');
    await page.waitForFunction((l) => document.documentElement.lang === l, lang);
  }
  assert.match(await page.textContent('#scenario-title'), WORDS[lang].lesson);
  assert.equal(await done(page), false, `${id}: not done on opening`);
}

const done = async (page) => (await page.getAttribute('#lesson-check', 'data-done')) === 'true';

// Sends the request in the fields (or `to`, typed in) and shows it to the
// end.
async function sendNow(page, to) {
  await page.click('#tab-trace');
  if (to) await page.fill('#to', to);
  await page.click('form.request button[type=submit]');
  await page.click('button[aria-label="To the end"], button[aria-label="끝으로"]');
  return verdict(page);
}

// Opens an object's form in the editor's section, sets fields, applies.
async function edit(page, lang, kind, key, fill) {
  const w = WORDS[lang];
  await page.click('#tab-edit');
  const section = page.locator(`details.editor-section[data-kind="${kind}"]`);
  if (await section.getAttribute('open') === null) await section.locator('summary').click();
  await section.getByRole('button', { name: `${w.edit} ${kind} ${key}`, exact: true }).click();
  const form = section.locator('form').filter({ has: page.getByRole('button', { name: w.apply }) });
  await fill(form, w);
  await form.getByRole('button', { name: w.apply }).click();
  await page.waitForSelector(`details.editor-section[data-kind="${kind}"] form button:text-is("${w.apply}")`, { state: 'detached' });
}

// Each lesson's task, as its text says it, with what the page shows on the
// way; returns once the check has passed.
const LESSONS = {
  'no-endpoints': async (page, lang) => {
    const v = await sendNow(page);
    assert.equal(v.kind, 'rejected', v.text);
    assert.equal(await done(page), false);
    await edit(page, lang, 'Service', 'default/web', async (form, w) => {
      await form.getByLabel(w.selector).fill('app=web');
    });
    assert.equal(await done(page), false, 'not before sending again');
    const again = await sendNow(page);
    assert.equal(again.kind, 'delivered', again.text);
    await page.waitForSelector('#lesson-check[data-done="true"]');
    assert.match(again.text, /web-1/, 'the Ready pod, not web-2');
  },
  ports: async (page) => {
    const v = await sendNow(page);
    assert.equal(v.kind, 'delivered');
    assert.equal(await done(page), false, 'the ClusterIP first');
    await sendNow(page, '10.100.0.3:30080');
    await page.waitForSelector('#lesson-check[data-done="true"]');
    assert.match(await page.textContent('.lesson-saw li[data-mattered="dnat"]'), /10\.100\.0\.3:30080 → 10\.0\.\d\.2:8080 \(nat KUBE-SEP-/);
  },
  'one-pod': async (page) => {
    await sendNow(page);
    assert.equal(await done(page), false, 'one connection');
    await page.click('form.send-n button[type=submit]');
    await page.waitForSelector('#spread');
    await page.waitForSelector('#lesson-check[data-done="true"]');
    const spread = await page.textContent('#spread');
    for (const pod of ['web-1', 'web-2', 'web-3']) assert.match(spread, new RegExp(pod));
  },
  'client-ip': async (page, lang) => {
    const v = await sendNow(page);
    assert.equal(v.kind, 'delivered');
    assert.equal(await done(page), false, 'Cluster: masqueraded');
    await edit(page, lang, 'Service', 'default/web', async (form, w) => {
      await form.getByLabel(w.etp).selectOption('Local');
    });
    await sendNow(page);
    await page.waitForSelector('#lesson-check[data-done="true"]');
  },
  hairpin: async (page) => {
    assert.equal(await page.inputValue('#from'), 'pod/web-1');
    await sendNow(page);
    await page.waitForSelector('#lesson-check[data-done="true"]');
    assert.match(await page.textContent('.lesson-saw li[data-mattered="snat"]'), /10\.0\.2\.2:\d+ → 10\.0\.2\.1:\d+/);
  },
  nftables: async (page, lang) => {
    await page.click('#tab-trace');
    assert.equal(await page.inputValue('#to'), '10.3.241.152:8080');
    const v = await sendNow(page);
    assert.equal(v.kind, 'dropped', 'iptables mode: lost past the node');
    assert.equal(await done(page), false);
    await edit(page, lang, 'Node', 'node-1', async (form, w) => {
      await form.getByLabel(w.labels).fill('netlab.dev/kube-proxy-mode=nftables');
    });
    const again = await sendNow(page);
    assert.equal(again.kind, 'rejected', again.text);
    await page.waitForSelector('#lesson-check[data-done="true"]');
    assert.match(await page.textContent('.lesson-saw li[data-mattered="end"]'), /node\/node-1/);
  },
  ping: async (page) => {
    const v = await sendNow(page);
    assert.equal(v.kind, 'delivered', 'TCP to the port');
    assert.equal(await done(page), false);
    await page.selectOption('#proto', 'ICMP');
    const ping = await sendNow(page, '10.3.241.152');
    assert.equal(ping.kind, 'dropped', ping.text);
    await page.waitForSelector('#lesson-check[data-done="true"]');
    assert.match(await page.textContent('.lesson-saw li[data-mattered="end"]'), /router\/vpc/);
  },
};

for (const lang of ['en', 'ko']) {
  for (const [id, task] of Object.entries(LESSONS)) {
    test(`${lang}: lesson ${id}, its check passes once the task is done`, async () => {
      const { page, watch } = await app.page({ width: 1366, height: 800 });
      await open(page, id, lang);
      await task(page, lang);
      const check = await page.textContent('#lesson-check');
      if (lang === 'ko') assert.match(check, /[\uac00-\ud7a3]/);
      else assert.doesNotMatch(check, /[\uac00-\ud7a3]/);
      assert.deepEqual(watch.errors, []);
      assert.deepEqual(watch.offOrigin, []);
      await page.close();
    });
  }
}

test('predict mode inside a lesson, answered with the keyboard', async () => {
  const { page, watch } = await app.page({ width: 1366, height: 800 });
  await open(page, 'hairpin', 'en');
  await page.click('#tab-trace');
  await page.focus('#predict');
  await page.keyboard.press('Space');
  assert.equal(await page.isChecked('#predict'), true);
  await page.focus('#to');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#predict-card .choice');
  await page.waitForFunction(() => document.activeElement?.dataset?.choice === '0', null, { timeout: 3000 });
  assert.match(await page.textContent('#predict-q'), /Where does the packet go next\?/);
  // The first answer is known: web-1's packet goes to its own node.
  const choices = await page.$$eval('#predict-card .choice code', (c) => c.map((e) => e.textContent));
  const right = choices.indexOf('node/node-2');
  assert.ok(right >= 0, JSON.stringify(choices));
  await page.keyboard.press(String(right + 1));
  await page.waitForSelector('.predict-feedback[data-right="true"]');
  // Answer every question by its number key, whatever it is; between
  // questions the player runs on to the next one (or, past the last, to the
  // end).
  let asked = 0;
  for (let i = 0; i < 80; i++) {
    if (await page.locator('#predict-score').count()) break;
    if (await page.locator('#predict-card .choice').count()) {
      await page.keyboard.press('1');
      asked++;
    } else {
      await page.click('button[aria-label="To the end"]');
    }
    await page.waitForTimeout(40);
  }
  assert.ok(asked >= 4, `questions asked: ${asked}`);
  await page.click('button[aria-label="To the end"]');
  const score = await page.textContent('#predict-score');
  assert.match(score, /Predicted right: \d+ of \d+/);
  await page.waitForSelector('#lesson-check[data-done="true"]');
  console.log(`predict in the hairpin lesson: ${score}, ${asked} answered by key`);
  assert.deepEqual(watch.errors, []);
  await page.close();
});

// Every lesson the tutorial's index lists (the story's and the ones past
// it): predict mode switched on by keyboard, the lesson's own request sent
// with Enter, a question before a hop, answered by its number key, with
// the engine's verdict on the answer; the trace goes on to its end.
test('predict mode works in every lesson: a question, answered by key, judged', async () => {
  const { page, watch } = await app.page({ width: 1366, height: 800 });
  await page.goto(app.server.url + '?tutorial', { waitUntil: 'load' });
  await page.waitForSelector('li[data-lesson]');
  const ids = await page.$$eval('li[data-lesson]', (ls) => ls.map((l) => l.dataset.lesson));
  assert.ok(ids.length >= 15, `lessons listed: ${ids.join(', ')}`);
  const asked = [];
  for (const id of ids) {
    await open(page, id, 'en');
    await page.click('#tab-trace');
    if (!(await page.isChecked('#predict'))) {
      await page.focus('#predict');
      await page.keyboard.press('Space');
    }
    assert.equal(await page.isChecked('#predict'), true, id);
    await page.focus('#to');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#predict-card .choice', { timeout: 5000 });
    await page.waitForFunction(() => document.activeElement?.dataset?.choice === '0', null, { timeout: 3000 });
    const question = await page.textContent('#predict-q');
    const n = await page.locator('#predict-card .choice').count();
    assert.ok(n >= 2, `${id}: ${n} choices`);
    await page.keyboard.press(String(n));
    const fb = page.locator('.predict-feedback');
    await fb.waitFor();
    assert.match(await fb.getAttribute('data-right'), /^(true|false)$/, id);
    assert.ok((await fb.textContent()).trim().length > 10, `${id}: the answer is explained`);
    asked.push(`${id}: ${question}`);
  }
  console.log(`predict mode in ${ids.length} lessons, first questions:\n  ${asked.join('\n  ')}`);
  assert.deepEqual(watch.errors, []);
  await page.close();
});

for (const size of [{ width: 1366, height: 800 }, { width: 390, height: 844 }]) {
  test(`${size.width}x${size.height}: the client-ip lesson, done, light and dark, both languages`, async () => {
    const { page, watch } = await app.page(size);
    for (const lang of ['en', 'ko']) {
      await open(page, 'client-ip', lang);
      await LESSONS['client-ip'](page, lang);
      for (const scheme of ['light', 'dark']) {
        await page.emulateMedia({ colorScheme: scheme });
        await page.screenshot({ path: `target/e2e/lessons-client-ip-${size.width}-${lang}-${scheme}.png` });
      }
      await page.emulateMedia({ colorScheme: 'light' });
    }
    assert.deepEqual(watch.errors, []);
    await page.close();
  });
}
