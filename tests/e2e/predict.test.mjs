// Predict mode, played with the keyboard only: the switch, the story's
// request sent with Enter, a question before its hop with the focus on
// the first choice, a right answer (key 1..4) and a wrong one (Tab to it,
// Enter), what each answer says, the hop shown only after the answer, and
// the score at the end; then the same card in Korean, dark. Screenshots
// in target/e2e/predict-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { start } from './app.mjs';

let app;
before(async () => {
  fs.mkdirSync('target/e2e', { recursive: true });
  app = await start();
});
after(async () => { await app.stop(); });

// The question on show: its text, its choices, which one has the focus,
// and how many hops are shown.
function card(page) {
  return page.evaluate(() => {
    const q = document.querySelector('#predict-q');
    const choices = [...document.querySelectorAll('#predict-card .choice code')].map((c) => c.textContent);
    const focus = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.choice : undefined;
    const fb = document.querySelector('.predict-feedback');
    return {
      question: q ? q.textContent : null,
      choices,
      focus,
      feedback: fb ? { right: fb.dataset.right, text: fb.textContent } : null,
      score: document.querySelector('#predict-score')?.textContent ?? null,
      shown: document.querySelector('#step-count').textContent,
    };
  });
}

async function sendWithKeyboard(page) {
  await page.click('#tab-trace');
  await page.fill('#from', 'pod/client');
  await page.fill('#to', 'svc/web:80');
  await page.focus('#predict');
  await page.keyboard.press('Space');
  assert.equal(await page.isChecked('#predict'), true);
  await page.focus('#to');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#predict-card .choice');
  await page.waitForFunction(() => document.activeElement?.dataset?.choice === '0', null, { timeout: 3000 });
}

for (const size of [{ name: 'desktop', width: 1366, height: 800 }, { name: 'phone', width: 390, height: 844 }]) {
  test(`${size.name}: a learner predicts by keyboard, right and wrong, and gets a score`, async () => {
    const { page, watch } = await app.page({ width: size.width, height: size.height });
    await sendWithKeyboard(page);

    // The first question: where the client's packet goes (its own node).
    let c = await card(page);
    assert.match(c.question, /Where does the packet go next\?/);
    assert.equal(c.focus, '0', 'the first choice has the focus');
    assert.equal(await page.locator('[data-verdict="pending"]').count(), 1, 'the trace waits');
    const right = c.choices.indexOf('node/node-1');
    assert.ok(right >= 0, JSON.stringify(c.choices));
    const before = c.shown;
    await page.keyboard.press(String(right + 1));
    await page.waitForSelector('.predict-feedback[data-right="true"]');
    c = await card(page);
    assert.match(c.feedback.text, /^Right\./);
    assert.notEqual(c.shown, before, 'the hop shows after the answer');

    // The DNAT comes next on node-1 (the player holds before it at once):
    // the destination question. The unchanged ClusterIP is wrong; reach it
    // with Tab and answer with Enter.
    await page.waitForFunction(() => /destination become/.test(document.querySelector('#predict-q')?.textContent ?? ''));
    // The focus moves to the new question's first choice (after the render).
    await page.waitForFunction(() => document.activeElement?.dataset?.choice === '0', null, { timeout: 3000 });
    c = await card(page);
    const wrong = c.choices.indexOf('10.3.241.152:80');
    assert.ok(wrong >= 0, JSON.stringify(c.choices));
    for (let i = 0; i < wrong; i++) await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.dataset.choice), String(wrong));
    await page.keyboard.press('Enter');
    await page.waitForSelector('.predict-feedback[data-right="false"]');
    c = await card(page);
    // The right answer, and why in the hop's own words.
    assert.match(c.feedback.text, /Not quite: it is 10\.0\.[23]\.2:8080\. /);
    assert.match(c.feedback.text, /DNAT|rewrit/i);
    fs.mkdirSync('target/e2e', { recursive: true });
    await page.screenshot({ path: `target/e2e/predict-${size.name}.png` });

    // The rest with key 1, whatever it is, until the score.
    for (let i = 0; i < 40; i++) {
      if (await page.locator('#predict-score').count()) break;
      if (await page.locator('#predict-card .choice').count()) {
        await page.keyboard.press('1');
      } else {
        await page.click('button[aria-label="To the end"]');
      }
      await page.waitForTimeout(30);
    }
    await page.click('button[aria-label="To the end"]');
    c = await card(page);
    const m = c.score && c.score.match(/Predicted right: (\d+) of (\d+)/);
    assert.ok(m, `a score: ${c.score}`);
    const [got, of] = [Number(m[1]), Number(m[2])];
    assert.ok(of >= 8 && got >= 1 && got <= of - 1, c.score);
    console.log(`predict ${size.name}: ${c.score}`);
    assert.equal(await page.getAttribute('#verdict', 'data-verdict'), 'delivered');
    assert.deepEqual(watch.errors, []);
    await page.close();
  });
}

test('the question in Korean, dark', async () => {
  const { page } = await app.page({ width: 1366, height: 800 });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.click('#lang-switch');
  await page.waitForFunction(() => document.documentElement.lang === 'ko');
  await sendWithKeyboard(page);
  const c = await card(page);
  assert.match(c.question, /패킷은 다음에 어디로 갈까요\?/);
  await page.keyboard.press('2');
  await page.waitForSelector('.predict-feedback');
  assert.match((await card(page)).feedback.text, /^(맞습니다|아쉽네요)/);
  await page.screenshot({ path: 'target/e2e/predict-ko-dark.png' });
  await page.close();
});
