// Shared set-up for the journeys: the built site served on 127.0.0.1 under a
// sub-path, Debian's chromium, and a watch on console errors and on requests
// leaving the page's origin.
import { serve } from './serve.mjs';
import { launch } from './browser.mjs';

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
      const watch = { errors: [], offOrigin: [] };
      page.on('console', (m) => { if (m.type() === 'error') watch.errors.push(m.text()); });
      page.on('pageerror', (e) => watch.errors.push(String(e)));
      page.on('response', (r) => { if (r.status() >= 400) watch.errors.push(`${r.status()} ${r.url()}`); });
      page.on('request', (r) => {
        const u = r.url();
        if (!u.startsWith(server.origin) && !u.startsWith('data:') && !u.startsWith('blob:')) watch.offOrigin.push(u);
      });
      if (!keep) {
        await page.goto(server.url, { waitUntil: 'load' });
        await page.waitForSelector('#trace-h', { timeout: 20000 });
        await page.evaluate(() => localStorage.clear());
        await page.goto('about:blank');
      }
      await page.goto(server.url + hash, { waitUntil: 'load' });
      await page.waitForSelector('#trace-h', { timeout: 20000 });
      return { page, watch };
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
