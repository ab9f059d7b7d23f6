// Writes precompressed copies of the site's text and wasm files for hosts
// that serve them (nginx gzip_static / brotli_static, Caddy's
// precompressed, most CDNs): FILE.gz (gzip level 9) and FILE.br (brotli,
// quality 11, text mode for text), next to each .wasm, .js, .css, .html
// and .svg, in the directory and its subdirectories (the embeds' posters).
// Node's zlib has both; no package needed.
//
// Run by scripts/csp-hook.mjs at the end of Trunk's post_build stage (after
// it has rewritten index.html), or by hand: `node scripts/precompress.mjs DIR`.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const EXTENSIONS = ['.wasm', '.js', '.css', '.html', '.svg'];

export function precompress(dir, written = [], prefix = '') {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const file = path.join(dir, entry.name);
    const name = prefix + entry.name;
    if (entry.isDirectory()) {
      precompress(file, written, name + '/');
      continue;
    }
    if (!EXTENSIONS.includes(path.extname(name)) || !entry.isFile()) continue;
    const data = fs.readFileSync(file);
    const gz = zlib.gzipSync(data, { level: 9 });
    const br = zlib.brotliCompressSync(data, {
      params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY,
        [zlib.constants.BROTLI_PARAM_LGWIN]: zlib.constants.BROTLI_MAX_WINDOW_BITS,
        [zlib.constants.BROTLI_PARAM_MODE]: name.endsWith('.wasm')
          ? zlib.constants.BROTLI_MODE_GENERIC
          : zlib.constants.BROTLI_MODE_TEXT,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length,
      },
    });
    // Both must decompress to the original, or the host would serve a
    // broken file.
    if (!zlib.gunzipSync(gz).equals(data) || !zlib.brotliDecompressSync(br).equals(data)) {
      throw new Error(`precompress: ${name} does not round-trip`);
    }
    fs.writeFileSync(file + '.gz', gz);
    fs.writeFileSync(file + '.br', br);
    written.push({ name, raw: data.length, gz: gz.length, br: br.length });
  }
  return written;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.argv[2] ?? process.env.TRUNK_STAGING_DIR;
  if (!dir) throw new Error('precompress: give a directory (or run from trunk)');
  for (const f of precompress(dir)) {
    console.log(`precompress: ${f.name}: ${f.raw} bytes, ${f.gz} .gz, ${f.br} .br`);
  }
}
