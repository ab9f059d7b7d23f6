// The tutorial: a lesson's check passes when the learner has done its task
// (and not before), progress is kept, and the Korean switch changes the
// interface and the lesson's text, remembered across a reload.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { start, send, addRoute } from './app.mjs';

let app;
before(async () => {
  fs.mkdirSync('target/e2e', { recursive: true });
  app = await start();
});
after(async () => { await app.stop(); });

async function lesson(page, id) {
  await page.goto(app.server.url + `?lesson=${id}`, { waitUntil: 'load' });
  await page.waitForSelector('#lesson-check');
}

test('a lesson check passes once its task is done, and progress is kept', async () => {
  const { page, watch } = await app.page();
  await lesson(page, 'external-clusterip');
  assert.equal(await page.getAttribute('#lesson-check', 'data-done'), 'false');
  const v = await send(page, 'internet', 'svc/web:80');
  assert.equal(v.kind, 'dropped');
  await page.waitForSelector('#lesson-check[data-done="true"]');

  // The static-route lesson: add the route in the editor, then send again.
  await page.click('#lesson-next');
  await page.waitForSelector('#lesson-check[data-done="false"]');
  await addRoute(page, 'services', '10.3.240.0/20', 'node-2');
  assert.equal(await page.getAttribute('#lesson-check', 'data-done'), 'false', 'not before sending again');
  await send(page, 'internet', 'svc/web:80');
  await page.waitForSelector('#lesson-check[data-done="true"]');

  await page.click('#tutorial-index');
  await page.waitForSelector('.lesson-index');
  for (const id of ['external-clusterip', 'static-route']) {
    assert.ok(await page.$(`li.done[data-lesson="${id}"]`), `${id} marked done`);
  }
  assert.equal(await page.$('li.done[data-lesson="nodeport"]'), null);
  await page.screenshot({ path: 'target/e2e/tutorial-index.png', fullPage: true });
  assert.deepEqual(watch.errors, []);
  assert.deepEqual(watch.offOrigin, []);
  await page.close();
});

test('the Korean switch changes the interface and the lesson, and is remembered', async () => {
  const { page, watch } = await app.page();
  await lesson(page, 'nodeport');
  const title = await page.textContent('.lesson h2');
  assert.doesNotMatch(title, /[\uac00-\ud7a3]/);
  await page.click('#lang-switch');
  await page.waitForFunction(() => /[\uac00-\ud7a3]/.test(document.querySelector('.lesson h2').textContent));
  assert.match(await page.textContent('#lesson-check'), /[\uac00-\ud7a3]/);
  assert.equal(await page.textContent('#lang-switch'), 'English');
  await page.reload({ waitUntil: 'load' });
  await page.waitForSelector('#lesson-check');
  assert.match(await page.textContent('.lesson h2'), /[\uac00-\ud7a3]/, 'remembered');
  await page.screenshot({ path: 'target/e2e/tutorial-ko.png', fullPage: true });
  assert.deepEqual(watch.errors, []);
  await page.close();
});
