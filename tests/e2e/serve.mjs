// A tiny static server for dist/, on 127.0.0.1 only, mounted under a
// sub-path so that every test also proves the build works away from "/".
// It serves the build's precompressed copies as a host configured for them
// does (nginx gzip_static/brotli_static, Caddy's precompressed): FILE.br or
// FILE.gz (scripts/precompress.mjs) when the browser accepts that encoding
// and `encodings` allows it, else the file as is (`encodings: []`: an
// uncompressed host).
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
  '.json': 'application/json',
  '.yaml': 'text/yaml; charset=utf-8',
  '.svg': 'image/svg+xml',
};

// `pages` maps a path under the mount to a text served as a file of its
// extension's type would be, compressed as the build's files are (a test's
// variant of a page beside the build's files).
export async function serve(dir, mount = '/some/where/', { encodings = ['br', 'gzip'], headers = {}, pages = {} } = {}) {
  const root = path.resolve(dir);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    if (!url.pathname.startsWith(mount)) {
      res.writeHead(404).end('outside the mount point');
      return;
    }
    let rel = decodeURIComponent(url.pathname.slice(mount.length)) || 'index.html';
    const file = path.join(root, rel);
    if (!file.startsWith(root + path.sep)) {
      res.writeHead(403).end();
      return;
    }
    const page = Object.hasOwn(pages, rel);
    const head = {
      'content-type': TYPES[path.extname(rel)] ?? (page ? TYPES['.html'] : 'application/octet-stream'),
      vary: 'accept-encoding',
      ...headers,
    };
    // The encodings this host may send and the browser takes, best first.
    const accepts = String(req.headers['accept-encoding'] ?? '');
    const usable = ['br', 'gzip'].filter((enc) => encodings.includes(enc) && accepts.includes(enc));
    if (page) {
      const enc = usable[0];
      const text = Buffer.from(pages[rel]);
      if (enc) head['content-encoding'] = enc;
      res.writeHead(200, head);
      res.end(enc === 'br' ? zlib.brotliCompressSync(text) : enc === 'gzip' ? zlib.gzipSync(text, { level: 9 }) : text);
      return;
    }
    let body = file;
    const ext = { br: '.br', gzip: '.gz' };
    const enc = usable.find((e) => fs.existsSync(file + ext[e]));
    if (enc) {
      body = file + ext[enc];
      head['content-encoding'] = enc;
    }
    fs.readFile(body, (err, data) => {
      if (err) {
        res.writeHead(404).end('not found');
        return;
      }
      res.writeHead(200, head);
      res.end(data);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}${mount}`, origin: `http://127.0.0.1:${port}`, close: () => server.close() };
}
