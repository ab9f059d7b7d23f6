// Runs the engine benchmark compiled to WebAssembly (wasm32-wasip1) in
// node's WASI, so the same code is measured natively and as wasm.
// Usage: node scripts/wasm-bench.mjs path/to/engine.wasm [small]
import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';

const [file, ...args] = process.argv.slice(2);
const wasi = new WASI({ version: 'preview1', args: ['engine', ...args], env: {} });
const module = await WebAssembly.compile(await readFile(file));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
wasi.start(instance);
