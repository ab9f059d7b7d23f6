// The tutorial: a lesson's check passes when the learner has done its task
// (and not before), progress is kept, and the Korean switch changes the
// interface and the lesson's text, remembered across a reload. A lesson
// asks before it answers: it opens untraced, with its task, the drawing and
// Send in the first screen; lesson 3 is done in the editor with the drawing
// in view. Screenshots: target/e2e/lesson-*.png.
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

// The element's box, and whether all of it is inside the viewport.
async function box(page, sel) {
  const b = await page.locator(sel).first().boundingBox();
  assert.ok(b, `${sel} is shown`);
  const vp = page.viewportSize();
  const inside = b.x >= 0 && b.y >= 0 && b.x + b.width <= vp.width + 0.5 && b.y + b.height <= vp.height + 0.5;
  return { ...b, inside };
}

// Lesson pages in both languages and colour schemes, at a desktop and a
// phone size: the screenshots to review.
async function shots(page, name) {
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: `target/e2e/lesson-${name}-${scheme}.png` });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

// The static route's row in the router's table: on screen, and inside the
// drawing's frame (not scrolled away within it).
async function routeShown(page, cidr) {
  const r = await page.evaluate((cidr) => {
    const t = [...document.querySelectorAll('svg.topology .route text')].find((e) => e.textContent.includes(cidr));
    if (!t) return null;
    const b = t.getBoundingClientRect();
    const f = document.querySelector('.drawing-wrap').getBoundingClientRect();
    return { top: b.top, bottom: b.bottom, frameTop: f.top, frameBottom: f.bottom, vh: innerHeight };
  }, cidr);
  assert.ok(r && r.top >= Math.max(0, r.frameTop) && r.bottom <= Math.min(r.vh, r.frameBottom),
    `the new route ${cidr} seen in the drawing: ${JSON.stringify(r)}`);
}

const SIZES = [
  { width: 1366, height: 800, tag: '1366' },
  { width: 390, height: 844, tag: '390' },
];

for (const size of SIZES) {
  test(`${size.tag}: a lesson opens untraced, with its request filled in, and asks first`, async () => {
    const { page, watch } = await app.page({ width: size.width, height: size.height });
    await lesson(page, 'clusterip');
    assert.equal(await page.getAttribute('#lesson-check', 'data-done'), 'false');
    assert.equal(await page.$('#verdict'), null, 'no verdict before the learner sends');
    assert.equal(await page.$$eval('svg.topology .packet', (e) => e.length), 0, 'no packet drawn');
    assert.equal(await page.inputValue('#from'), 'pod/client');
    assert.equal(await page.inputValue('#to'), 'svc/web:80');
    assert.match(await page.textContent('#scenario-title'), /^Lesson 1\. /);
    if (size.width >= 1366) {
      // The task, the drawing and Send in the first screen, the page
      // itself not scrolling, the playground beside the lesson.
      for (const sel of ['#lesson-task', 'svg.topology', 'form.request button[type=submit]', '#lesson-check']) {
        const b = await box(page, sel);
        assert.ok(b.inside, `${sel} in the first screen: ${JSON.stringify(b)}`);
      }
      const lessonBox = await box(page, 'article.lesson');
      const drawing = await box(page, 'svg.topology');
      assert.ok(drawing.x >= lessonBox.x + lessonBox.width, 'the drawing beside the lesson');
      assert.ok(drawing.width >= 500, `a drawing of a useful size: ${drawing.width}`);
      const scroll = await page.evaluate(() => document.scrollingElement.scrollHeight - innerHeight);
      assert.ok(scroll <= 1, `the page does not scroll: ${scroll}`);
    } else {
      // A phone: the task, the drawing's top part and Send in the first
      // screen, unscrolled; the background and the check below.
      assert.equal(await page.evaluate(() => window.scrollY), 0);
      for (const sel of ['#lesson-task', 'form.request button[type=submit]']) {
        const b = await box(page, sel);
        assert.ok(b.inside, `${sel} in the first screen: ${JSON.stringify(b)}`);
      }
      const d = await box(page, '.drawing-wrap');
      const shown = Math.min(d.y + d.height, size.height) - Math.max(d.y, 0);
      assert.ok(d.y >= 0 && shown >= 200, `the drawing's top ${Math.round(shown)} px in the first screen: ${JSON.stringify(d)}`);
      const names = await page.$$eval('.drawing-wrap svg.topology text', (t) => t.filter((e) => {
        const r = e.getBoundingClientRect();
        return r.top >= 0 && r.bottom <= innerHeight && r.right > 0 && r.left < innerWidth;
      }).map((e) => e.textContent));
      assert.ok(names.some((n) => /internet|VPC router|Service network/.test(n)), `devices drawn in the first screen: ${names.slice(0, 6)}`);
      const send = await box(page, 'form.request button[type=submit]');
      console.log(`lesson 1 at 390x844: task ${Math.round((await box(page, '#lesson-task')).y)} px, drawing ${Math.round(d.y)}-${Math.round(d.y + d.height)} px, Send bottom ${Math.round(send.y + send.height)} px`);
    }
    await shots(page, `1-open-${size.tag}-en`);
    // In Korean (a real Korean font), the same first screen.
    await page.click('#lang-switch');
    await page.waitForFunction(() => document.documentElement.lang === 'ko');
    for (const sel of ['#lesson-task', 'form.request button[type=submit]']) {
      assert.ok((await box(page, sel)).inside, `${sel} in the first screen, in Korean`);
    }
    assert.match(await page.textContent('#lesson-task'), /[\uac00-\ud7a3]/);
    await shots(page, `1-open-${size.tag}-ko`);
    await page.click('#lang-switch');
    await page.waitForFunction(() => document.documentElement.lang === 'en');

    // Send (the fields are filled in) and watch to the verdict.
    await page.click('form.request button[type=submit]');
    await page.click('button[aria-label="To the end"]');
    await page.waitForSelector('#lesson-check[data-done="true"]');
    assert.equal(await page.$('.lesson-done-before'), null, 'a first completion is not "done before"');
    const dnat = page.locator('.lesson-saw li[data-mattered="dnat"]');
    const text = await dnat.textContent();
    assert.match(text, /DNAT/);
    assert.match(text, /node\/node-1/);
    assert.match(text, /10\.3\.241\.152:80 → 10\.0\.\d+\.\d+:8080/);
    assert.match(await page.textContent('.lesson-saw li[data-mattered="unnat"]'), /conntrack/);
    if (size.width >= 1366) {
      assert.ok((await box(page, '#lesson-check')).inside, 'the check in view');
    }
    await shots(page, `1-done-${size.tag}-en`);
    // Next visit: done before.
    await page.reload({ waitUntil: 'load' });
    await page.waitForSelector('.lesson-done-before');
    assert.deepEqual(watch.errors, []);
    assert.deepEqual(watch.offOrigin, []);
    await page.close();
  });

  test(`${size.tag}: lesson 3, a static route made in the editor, the drawing in view`, async () => {
    const { page, watch } = await app.page({ width: size.width, height: size.height });
    await lesson(page, 'static-route');
    assert.equal(await page.$('#verdict'), null);
    // The editor opens on the section the task needs, and only that one.
    assert.equal(await page.getAttribute('#tab-edit', 'aria-selected'), 'true');
    const section = page.locator('details.editor-section[data-kind="Route"]');
    assert.notEqual(await section.getAttribute('open'), null, 'the section is open');
    assert.deepEqual(await page.$$eval('details.editor-section[open]', (d) => d.map((e) => e.dataset.kind)), ['Route']);
    const form = section.locator('form[aria-label="Add a Route"]');
    const wide = size.width >= 1366;
    // Wide: the whole drawing in view. A phone: its frame (shorter while
    // editing, stuck at the top of the screen) in view.
    const drawingInView = async (when) => {
      const d = await box(page, wide ? 'svg.topology' : '.drawing-wrap');
      assert.ok(d.inside, `the drawing in view ${when}: ${JSON.stringify(d)}`);
      if (!wide) assert.ok(d.height >= 150, `a drawing, not a sliver: ${d.height}`);
    };
    if (wide) {
      for (const sel of ['#lesson-task', 'svg.topology']) {
        assert.ok((await box(page, sel)).inside, `${sel} in the first screen`);
      }
      assert.ok((await box(page, 'details.editor-section[data-kind="Route"] summary')).inside, 'the section in view');
    }
    await shots(page, `3-open-${size.tag}-en`);
    const routes = () => page.$$eval('svg.topology .route', (e) => e.length);
    const before = await routes();
    await form.getByLabel('Name').fill('services-via-node-2');
    await drawingInView('after the name');
    await form.getByLabel('Destination (CIDR)').fill('10.3.240.0/20');
    await drawingInView('after the destination');
    await form.getByLabel('Next hop', { exact: true }).selectOption('node-2');
    await drawingInView('after the next hop');
    await form.locator('button[type=submit]').click();
    if (!wide) {
      const y = await page.evaluate(() => window.scrollY);
      console.log(`lesson 3 at 390x844: the form scrolled the page ${y} px, the drawing stuck at the top`);
    }
    // The new route appears in the router's table, in view.
    await page.waitForFunction((n) => document.querySelectorAll('svg.topology .route').length > n, before);
    assert.match(await page.textContent('svg.topology'), /10\.3\.240\.0\/20/);
    await drawingInView('after adding');
    await routeShown(page, '10.3.240.0/20');
    assert.match(await page.textContent('#scenario-title'), /^Lesson 3\. .*\(edited\)$/);
    assert.equal(await page.getAttribute('#lesson-check', 'data-done'), 'false', 'not before sending');
    await shots(page, `3-route-${size.tag}-en`);
    await page.click('#tab-trace');
    assert.equal(await page.inputValue('#from'), 'internet');
    assert.equal(await page.inputValue('#to'), 'svc/web:80');
    await page.click('form.request button[type=submit]');
    await page.click('button[aria-label="To the end"]');
    await page.waitForSelector('#lesson-check[data-done="true"]');
    assert.match(await page.textContent('.lesson-saw li[data-mattered="route"]'), /10\.3\.240\.0\/20/);
    assert.match(await page.textContent('.lesson-saw li[data-mattered="dnat"]'), /node\/node-2/);
    await drawingInView('at the end');
    await shots(page, `3-done-${size.tag}-en`);
    assert.deepEqual(watch.errors, []);
    await page.close();
  });
}

for (const size of SIZES) {
  test(`${size.tag}: the playground, a static route made in the editor with the drawing in view`, async () => {
    const { page, watch } = await app.page({ width: size.width, height: size.height });
    await page.selectOption('#preset', 'external-clusterip');
    await page.waitForFunction(() => document.querySelector('#preset').value === '');
    const wide = size.width >= 1366;
    const sel = wide ? 'svg.topology' : '.drawing-wrap';
    const routes = () => page.$$eval('svg.topology .route', (e) => e.length);
    const before = await routes();
    await page.click('#tab-edit');
    const section = page.locator('details.editor-section[data-kind="Route"]');
    if (await section.getAttribute('open') === null) await section.locator('summary').click();
    const form = section.locator('form[aria-label="Add a Route"]');
    await form.getByLabel('Name').fill('services');
    await form.getByLabel('Destination (CIDR)').fill('10.3.240.0/20');
    await form.getByLabel('Next hop', { exact: true }).selectOption('node-2');
    const scrolled = await page.evaluate(() => window.scrollY);
    assert.ok((await box(page, sel)).inside, `the drawing in view with the form filled in (page scrolled ${scrolled} px)`);
    await form.locator('button[type=submit]').click();
    await page.waitForFunction((n) => document.querySelectorAll('svg.topology .route').length > n, before);
    const d = await box(page, sel);
    assert.ok(d.inside, `the drawing in view after adding: ${JSON.stringify(d)}`);
    // The new route itself is seen, in the router's table.
    await routeShown(page, '10.3.240.0/20');
    console.log(`playground ${size.tag}: page scrolled ${scrolled} px to the route form, the drawing at y=${Math.round(d.y)}-${Math.round(d.y + d.height)}`);
    for (const scheme of ['light', 'dark']) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: `target/e2e/playground-route-${size.tag}-${scheme}.png` });
    }
    assert.deepEqual(watch.errors, []);
    await page.close();
  });
}

test('the preset menu uses the lessons\' numbers and titles, ids unchanged', async () => {
  const { page, watch } = await app.page();
  const options = await page.$$eval('#preset option', (o) => o.filter((x) => x.value).map((x) => [x.value, x.textContent]));
  assert.deepEqual(options.map(([v]) => v), ['clusterip', 'external-clusterip', 'static-route', 'node-removed',
    'load-balancer', 'nodeport-wrong-port', 'nodeport', 'lb-traffic-policy',
    'no-endpoints', 'ports', 'one-pod', 'client-ip', 'hairpin', 'nftables', 'ping']);
  assert.deepEqual(options[2], ['static-route', 'Lesson 3. A static route to one node']);
  options.forEach(([, label], i) => assert.match(label, new RegExp(`^Lesson ${i + 1}\\. `)));
  assert.doesNotMatch(await page.textContent('header.top'), /Story step/);
  // An edit keeps the scenario's name.
  await page.selectOption('#preset', 'nodeport');
  await page.click('.node-chip[data-node="node-3"] .remove-node');
  await page.waitForSelector('.node-chip[data-node="node-3"]', { state: 'detached' });
  assert.equal(await page.textContent('#scenario-title'), 'NodePort bridges the node network and the Service (edited)');
  assert.deepEqual(watch.errors, []);
  await page.close();
});

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
