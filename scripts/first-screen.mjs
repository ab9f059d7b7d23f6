// Rewrites static/first-screen.html: the playground's first screen, captured
// from the built app (run `trunk build --release` first, then build again so
// that index.html carries the new file). See tests/e2e/first-screen.mjs.
import fs from 'node:fs';
import { serve } from '../tests/e2e/serve.mjs';
import { launch } from '../tests/e2e/browser.mjs';
import { capture } from '../tests/e2e/first-screen.mjs';

const server = await serve('dist');
const browser = await launch();
try {
  const html = await capture(browser.context, server.url);
  fs.writeFileSync('static/first-screen.html', html + '\n');
  console.log(`first-screen: static/first-screen.html, ${html.length} bytes`);
} finally {
  await browser.close();
  server.close();
}
