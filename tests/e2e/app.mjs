// Shared set-up for the journeys: the built site served on 127.0.0.1 under a
// sub-path, Debian's chromium, and a watch on console errors and on requests
// leaving the page's origin.
import { serve } from './serve.mjs';
import { launch } from './browser.mjs';

// Collects console errors, failed responses and requests leaving `origin`.
export function watch(page, origin) {
  const w = { errors: [], offOrigin: [] };
  page.on('console', (m) => { if (m.type() === 'error') w.errors.push(m.text()); });
  page.on('pageerror', (e) => w.errors.push(String(e)));
  page.on('response', (r) => { if (r.status() >= 400) w.errors.push(`${r.status()} ${r.url()}`); });
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:')) w.offOrigin.push(u);
  });
  return w;
}

// Adds a static route in the Edit tab's form, as a user does.
export async function addRoute(page, name, destination, node) {
  await page.click('#tab-edit');
  const section = page.locator('details.editor-section', { has: page.locator('summary', { hasText: 'Static routes' }) });
  // A lesson opens the section itself: open it only when closed.
  if (await section.getAttribute('open') === null) await section.locator('summary').click();
  const form = section.locator('form[aria-label="Add a Route"]');
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('Destination (CIDR)').fill(destination);
  await form.getByLabel('Next hop', { exact: true }).selectOption(node);
  await form.locator('button[type=submit]').click();
}

export async function start() {
  const server = await serve('dist');
  const browser = await launch();
  return {
    server,
    browser,
    // Every page starts from the default scenario unless `keep` is set:
    // pages share the browser's local storage, where the app autosaves.
    async page({ width = 1400, height = 1000, hash = '', keep = false } = {}) {
      const page = await browser.context.newPage();
      await page.setViewportSize({ width, height });
      const w = watch(page, server.origin);
      if (!keep) {
        await page.goto(server.url, { waitUntil: 'load' });
        await page.waitForSelector('#trace-h', { timeout: 20000 });
        await page.evaluate(() => localStorage.clear());
        await page.goto('about:blank');
      }
      await page.goto(server.url + hash, { waitUntil: 'load' });
      await page.waitForSelector('#trace-h', { timeout: 20000 });
      return { page, watch: w };
    },
    async stop() {
      await browser.close();
      server.close();
    },
  };
}

// Sets the request's source and destination and sends it, then shows the
// whole trace (the player otherwise animates it hop by hop).
export async function send(page, from, to) {
  await page.click('#tab-trace');
  await page.fill('#from', from);
  await page.fill('#to', to);
  await page.click('form.request button[type=submit]');
  await page.click('button[aria-label="To the end"]');
  return verdict(page);
}

export async function verdict(page) {
  await page.waitForSelector('#verdict:not([data-verdict="pending"])');
  return {
    kind: await page.getAttribute('#verdict', 'data-verdict'),
    text: await page.textContent('#verdict'),
  };
}

export async function loadPreset(page, id) {
  await page.selectOption('#preset', id);
  await page.waitForFunction(() => document.querySelector('#preset').value === '');
}
