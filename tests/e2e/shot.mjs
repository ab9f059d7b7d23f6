// Dev aid: node tests/e2e/shot.mjs [out.png] [width] — loads dist/, sends the default trace, screenshots.
import { serve } from './serve.mjs';
import { launch } from './browser.mjs';
const out = process.argv[2] ?? 'target/shot.png';
const width = Number(process.argv[3] ?? 1400);
const server = await serve('dist');
const browser = await launch();
try {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width, height: 1000 });
  page.on('console', (m) => console.log('console', m.type(), m.text()));
  page.on('pageerror', (e) => console.log('pageerror', String(e)));
  await page.goto(server.url, { waitUntil: 'load' });
  await page.waitForSelector('#trace-h', { timeout: 20000 });
  await page.click('button[type=submit].primary');
  await page.waitForTimeout(200);
  await page.click('button[aria-label="To the end"]');
  await page.screenshot({ path: out, fullPage: true });
  console.log(await page.textContent('#verdict'));
} finally {
  await browser.close();
  server.close();
}
