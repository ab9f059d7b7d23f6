// Trunk post-build hook: moves the inline start-up script Trunk writes into
// index.html into its own file, so that the page runs under a strict
// Content-Security-Policy with no inline script (see index.html's meta tag).
// Fails the build when the script is not found, rather than shipping a page
// the policy would block. It also puts the prerendered first screen
// (static/first-screen.html, see tests/e2e/first-screen.mjs) in the place
// index.html marks for it. Then writes the precompressed .gz and .br files
// (scripts/precompress.mjs): last, so that they are of the final files.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { precompress } from './precompress.mjs';

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) throw new Error('csp-hook: TRUNK_STAGING_DIR is not set (run by trunk)');
const htmlPath = path.join(dir, 'index.html');
const html = fs.readFileSync(htmlPath, 'utf8');
const inline = /<script type="module">([\s\S]*?)<\/script>/g;
const found = [...html.matchAll(inline)];
if (found.length !== 1) {
  throw new Error(`csp-hook: expected one inline module script in index.html, found ${found.length}`);
}
const body = found[0][1].trim() + '\n';
const hash = crypto.createHash('sha256').update(body).digest('hex').slice(0, 16);
const name = `boot-${hash}.js`;
fs.writeFileSync(path.join(dir, name), body);
const integrity = 'sha384-' + crypto.createHash('sha384').update(body).digest('base64');
let out = html.replace(found[0][0],
  `<script type="module" src="./${name}" integrity="${integrity}" crossorigin="anonymous"></script>`);
const source = process.env.TRUNK_SOURCE_DIR ?? path.join(path.dirname(new URL(import.meta.url).pathname), '..');
const marker = '<!-- first-screen -->';
if (out.split(marker).length !== 2) throw new Error(`csp-hook: expected one ${marker} in index.html`);
const screen = fs.readFileSync(path.join(source, 'static/first-screen.html'), 'utf8').trim();
if (/<script|\sstyle=|\sid=/.test(screen)) throw new Error('csp-hook: static/first-screen.html has a script, a style attribute or an id');
out = out.replace(marker, () => screen);
if (/<script(?![^>]*\bsrc=)[^>]*>/.test(out)) throw new Error('csp-hook: an inline script is left');
fs.writeFileSync(htmlPath, out);
console.log(`csp-hook: start-up script moved to ${name}; first screen, ${screen.length} bytes`);
const packed = precompress(dir);
console.log(`csp-hook: wrote .gz and .br beside ${packed.length} files`);
