// Figures measured in Chromium and printed. Edit -> re-trace -> paint on
// the story cluster (a figure to watch, not a timed assertion): removing a
// node and undoing it, each of which re-runs the open trace and redraws the
// page. Large pasted clusters (1,000 and 5,000 nodes) against the scale
// goals. The playground's first paint under Fast 3G and a 4x slower CPU
// (asserted: < 1.5 s with a gzip server).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { start, send } from './app.mjs';
import { withBrowser, throttle } from './browser.mjs';
import { VIEWPORT, watchFirstScreen } from './first-screen.mjs';

test('edit -> re-trace -> paint on the story cluster (figures)', async () => {
  const app = await start();
  try {
    const { page } = await app.page();
    const v = await send(page, 'pod/client', 'svc/web:80');
    assert.equal(v.kind, 'delivered');
    const figures = await page.evaluate(async () => {
      // The frame after a click: its rAF callback runs before the frame's
      // style, layout and paint, the timeout after them. `shows` is asked
      // in the callback: whether that frame draws the edit. `at` is the
      // frame's time: a frame late by a display interval or more is one
      // the edit's work made the page drop.
      const frame = (shows) => new Promise((r) => requestAnimationFrame((at) => {
        const shown = shows();
        setTimeout(() => r({ shown, at }), 0);
      }));
      const settle = () => new Promise((r) => setTimeout(r, 0));
      const stats = (xs) => {
        const s = [...xs].sort((a, b) => a - b);
        return { median: s[Math.floor(s.length / 2)], p90: s[Math.floor(s.length * 0.9)], max: s[s.length - 1] };
      };
      // 40 clicks, each `phase(i)` ms after a frame: `click()` makes the
      // change, `shown()` tells whether the page shows it. For each: the
      // script's time, the time until the frame that draws it was
      // painted, whether that was the next frame (none dropped), and the
      // click's actual phase.
      const run = async (click, shown, phase) => {
        const work = [];
        const paint = [];
        const phases = [];
        const gaps = [];
        let nextFrame = 0;
        let last = (await frame(() => true)).at;
        for (let i = 0; i < 40; i++) {
          // The click comes `phase(i)` ms after the last frame began: the
          // page idles (a timer would be clamped and late) until then. A
          // click that came while the frame's own work was still running is
          // handled at its end, and its time counts from when it came.
          const target = last + phase(i);
          while (performance.now() < target) { /* the reader has not clicked yet */ }
          const t0 = phase(i) > 0 ? target : performance.now();
          phases.push(t0 - last);
          const want = click(i);
          await settle();
          const t1 = performance.now();
          const f = await frame(() => shown(want));
          const t2 = performance.now();
          if (!f.shown) throw new Error(`click ${i} did not show in its frame`);
          gaps.push(f.at - last);
          // The next frame begins within one interval of the click (a
          // frame's time is its vsync's, even when the page starts it late).
          if (f.at - t0 < 1.1 * 16.7) nextFrame++;
          last = f.at;
          work.push(t1 - t0);
          paint.push(t2 - t0);
        }
        return { work: stats(work), paint: stats(paint), phase: stats(phases), gap: stats(gaps), nextFrame };
      };
      // The floor of this measure: a click that changes one word, timed
      // the same way.
      const probe = document.createElement('button');
      document.body.appendChild(probe);
      let n = 0;
      probe.addEventListener('click', () => { probe.textContent = String(++n); });
      const word = () => { probe.click(); return String(n); };
      const wordShown = (want) => probe.textContent === want;
      // The edit: remove node-3, then undo, re-tracing each time.
      const there = () => !!document.querySelector('.node-chip[data-node="node-3"]');
      const edit = (i) => {
        const removing = i % 2 === 0;
        (removing
          ? document.querySelector('.node-chip[data-node="node-3"] .remove-node')
          : document.querySelector('#undo')).click();
        if (!document.querySelector('#verdict')) throw new Error('no verdict after the re-trace');
        return !removing;
      };
      const editShown = (want) => there() === want;
      // Aligned: each click right after a frame, so its next frame is one
      // display interval away whatever it does (the worst phase).
      const aligned = () => 0;
      // Spread: the clicks fall at 40 phases across the frame interval, as
      // a reader's clicks do (a seeded order of 0.2, 0.6, ... 15.8 ms after
      // the frame began).
      const spread = (i) => ((i * 17) % 40) * 0.4 + 0.2;
      const floor = await run(word, wordShown, aligned);
      const edits = await run(edit, editShown, aligned);
      const floorSpread = await run(word, wordShown, spread);
      const editsSpread = await run(edit, editShown, spread);
      probe.remove();
      return { floor, edits, floorSpread, editsSpread, interval: floor.gap.median };
    });
    const f = (x) => x.toFixed(1);
    const { edits, floor, editsSpread, floorSpread } = figures;
    console.log(`perf: edit -> re-trace -> DOM updated: median ${f(edits.work.median)} ms, p90 ${f(edits.work.p90)} ms, max ${f(edits.work.max)} ms (40 edits)`);
    console.log(`perf: clicks right after a frame come ${f(edits.phase.median)} ms after it began (median)`);
    console.log(`perf: edit -> next painted frame, clicks right after a frame: median ${f(edits.paint.median)} ms, p90 ${f(edits.paint.p90)} ms, max ${f(edits.paint.max)} ms; `
      + `a click that changes one word, timed the same way: median ${f(floor.paint.median)} ms (frames every ${f(figures.interval)} ms)`);
    console.log(`perf: edit -> next painted frame, clicks spread over the frame (phases ${f(editsSpread.phase.median)} ms median, up to ${f(editsSpread.phase.max)}): `
      + `median ${f(editsSpread.paint.median)} ms, p90 ${f(editsSpread.paint.p90)} ms, max ${f(editsSpread.paint.max)} ms `
      + `(goal <= 16 ms: ${editsSpread.paint.median <= 16 ? 'met' : 'NOT MET'}); a one-word click: median ${f(floorSpread.paint.median)} ms`);
    const onTime = edits.nextFrame >= 36 && editsSpread.nextFrame >= 36;
    console.log(`perf: edits drawn in the next frame, none dropped: ${edits.nextFrame} of 40 aligned, ${editsSpread.nextFrame} of 40 spread `
      + `(goal: the edit in the next painted frame, at least 90% of edits: ${onTime ? 'met' : 'NOT MET'})`);
    assert.ok(editsSpread.phase.max > 12 && editsSpread.phase.median < 10,
      `spread clicks cover the frame (median ${editsSpread.phase.median}, max ${editsSpread.phase.max} ms)`);

    // A large cluster: 50 nodes, 500 pods of one Deployment, a Service.
    let yaml = 'apiVersion: netlab/v1\nkind: Cluster\nmetadata: {name: big}\nspec: {nodeCIDR: 10.100.0.0/24, podCIDR: 10.0.0.0/14, nodePodCIDRMask: 24, serviceCIDR: 10.3.240.0/20}\n';
    for (let i = 1; i <= 50; i++) yaml += `---\napiVersion: v1\nkind: Node\nmetadata: {name: node-${i}}\n`;
    yaml += '---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 500\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, ports: [{name: http, containerPort: 8080}]}]}\n';
    yaml += '---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {selector: {app: web}, ports: [{port: 80, targetPort: http}]}\n';
    await page.click('#tab-yaml');
    const t0 = Date.now();
    await page.fill('#yaml-text', yaml);
    await page.click('#yaml-apply');
    await page.waitForSelector('svg.topology g.node[data-device="node/node-50"]');
    const loaded = Date.now() - t0;
    assert.equal(await page.locator('svg.topology g.node').count(), 50);
    const big = await send(page, 'node/node-1', 'svc/web:80');
    assert.equal(big.kind, 'delivered', big.text);
    const edit = await page.evaluate(async () => {
      const t0 = performance.now();
      document.querySelector('.node-chip[data-node="node-50"] .remove-node').click();
      await new Promise((r) => setTimeout(r, 0));
      const t1 = performance.now();
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      return { work: t1 - t0, paint: performance.now() - t0 };
    });
    assert.equal(await page.locator('svg.topology g.node').count(), 49);
    console.log(`perf: 50 nodes / 500 pods: import and draw ${loaded} ms; remove a node -> re-trace -> DOM ${f(edit.work)} ms, -> painted ${f(edit.paint)} ms`);
    await page.close();
  } finally {
    await app.stop();
  }
});

// A cluster pasted into the YAML tab: `nodes` nodes, `services` Deployments
// of `replicas(i)` pods each, a Service per Deployment (one in ten a
// NodePort, one in a hundred a LoadBalancer when `types` is set).
function clusterYaml({ nodes, services, replicas, types = false, nodeCIDR, podCIDR, serviceCIDR }) {
  const out = [`apiVersion: netlab/v1\nkind: Cluster\nmetadata: {name: scale}\nspec: {nodeCIDR: ${nodeCIDR}, podCIDR: ${podCIDR}, nodePodCIDRMask: 24, serviceCIDR: ${serviceCIDR}}\n`];
  for (let n = 1; n <= nodes; n++) out.push(`---\napiVersion: v1\nkind: Node\nmetadata: {name: node-${n}}\n`);
  for (let i = 0; i < services; i++) {
    const type = !types ? 'ClusterIP' : i % 100 === 1 ? 'LoadBalancer' : i % 10 === 2 ? 'NodePort' : 'ClusterIP';
    out.push(`---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app-${i}}\nspec: {replicas: ${replicas(i)}, selector: {matchLabels: {app: app-${i}}}, template: {metadata: {labels: {app: app-${i}}}, spec: {containers: [{name: app, ports: [{name: http, containerPort: 8080}]}]}}}\n`);
    out.push(`---\napiVersion: v1\nkind: Service\nmetadata: {name: app-${i}}\nspec: {type: ${type}, selector: {app: app-${i}}, ports: [{name: http, port: 80, targetPort: http}]}\n`);
  }
  return out.join('');
}

// Pastes `yaml` into the YAML tab as one input event, waits for its check,
// then applies it and waits until the drawing shows `nodes` nodes and a
// frame is painted. Apply is clicked from a task of the page's own, so the
// figure is the page's (the import runs in the click's handler).
async function pasteAndApply(page, yaml, nodes, timeout) {
  await page.click('#tab-yaml');
  await page.waitForSelector('#yaml-text');
  const t0 = Date.now();
  await page.evaluate((text) => {
    const area = document.querySelector('#yaml-text');
    area.value = text;
    area.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));
  }, yaml);
  await page.waitForSelector('#yaml-apply:not([disabled])', { timeout });
  const checked = Date.now() - t0;
  await page.evaluate(() => { window.__drawn = undefined; });
  await page.evaluate((n) => setTimeout(async () => {
    const t = performance.now();
    document.querySelector('#yaml-apply').click();
    while (!document.querySelector('svg.topology')?.getAttribute('aria-label')?.includes(`; nodes: ${n};`)) {
      await new Promise((r) => setTimeout(r, 5));
    }
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    window.__drawn = performance.now() - t;
  }, 0), nodes);
  await page.waitForFunction(() => window.__drawn !== undefined, null, { timeout, polling: 100 });
  return { checked, drawn: await page.evaluate(() => window.__drawn) };
}

// The drawing's size: every element, group boxes, nodes drawn in full.
const drawingSize = (page) => page.evaluate(() => ({
  elements: document.querySelectorAll('svg.topology *').length,
  groups: document.querySelectorAll('svg.topology g.group').length,
  full: document.querySelectorAll('svg.topology g.node:not(.compact)').length,
}));

const goal = (ok) => (ok ? 'met' : 'NOT MET');

test('a pasted 1,000-node / 10,000-pod / 2,000-Service cluster: import and draw, remove a node (figures against the goals)', async () => {
  const app = await start();
  try {
    const { page, watch } = await app.page();
    const yaml = clusterYaml({ nodes: 1000, services: 2000, replicas: () => 5, nodeCIDR: '10.100.0.0/20', podCIDR: '10.0.0.0/12', serviceCIDR: '10.96.0.0/16' });
    const t = await pasteAndApply(page, yaml, 1000, 120000);
    const size = await drawingSize(page);
    console.log(`perf: 1,000 nodes / 10,000 pods / 2,000 Services (${(yaml.length / 1e6).toFixed(2)} MB): paste -> checked ${t.checked} ms (with the ${400} ms pause); Apply -> imported, drawn and painted ${t.drawn.toFixed(0)} ms (goal < 2,000 ms: ${goal(t.drawn < 2000)}); ${size.elements} SVG elements, ${size.groups} group boxes`);
    // Drawn aggregated: a few group boxes stand for the nodes.
    assert.ok(size.groups > 0 && size.groups <= 40, JSON.stringify(size));
    assert.ok(size.elements < 1000, JSON.stringify(size));
    const v = await send(page, 'node/node-1', 'svc/app-0:80');
    assert.equal(v.kind, 'delivered', v.text);
    // A node off the trace's path (the listed ones: the first 100).
    const victim = await page.evaluate(() => [...document.querySelectorAll('.node-chip')].map((c) => c.dataset.node)
      .find((n) => n !== 'node-1' && !document.querySelector(`svg.topology g.node:not(.compact)[data-device="node/${n}"]`)));
    assert.ok(victim);
    const figures = await page.evaluate(async (victim) => {
      const work = [];
      const paint = [];
      for (let i = 0; i < 10; i++) {
        const removing = i % 2 === 0;
        const button = removing ? document.querySelector(`.node-chip[data-node="${victim}"] .remove-node`) : document.querySelector('#undo');
        const t0 = performance.now();
        button.click();
        await new Promise((r) => setTimeout(r, 0));
        const t1 = performance.now();
        // The first painted frame that shows the edit.
        let frames = 0;
        do {
          await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
          if (++frames > 100) throw new Error(`edit ${i} did not show`);
        } while (!!document.querySelector(`.node-chip[data-node="${victim}"]`) === removing);
        work.push(t1 - t0);
        paint.push(performance.now() - t0);
        if (document.querySelector('#verdict')?.dataset.verdict !== 'delivered') throw new Error('no delivered verdict after the re-trace');
      }
      const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      return { work: median(work), paint: median(paint), max: Math.max(...paint) };
    }, victim);
    console.log(`perf: 1,000 nodes: remove a node (or undo) -> re-trace -> DOM ${figures.work.toFixed(0)} ms, -> painted median ${figures.paint.toFixed(0)} ms, max ${figures.max.toFixed(0)} ms (10 edits; goal < 200 ms: ${goal(figures.paint < 200)})`);
    assert.deepEqual(watch.errors, []);
    await page.close();
  } finally {
    await app.stop();
  }
});

test('the 5,000-node threshold scenario loads without a crash, drawn aggregated (figures)', async () => {
  // benches/engine.rs's largest size, as Deployments: 5,000 nodes,
  // 150,000 pods, 10,000 Services, the first 20 with 250 endpoints each.
  const app = await start();
  try {
    const { page, watch } = await app.page();
    let crashed = false;
    page.on('crash', () => { crashed = true; });
    const rest = 150000 - 20 * 250;
    const replicas = (i) => (i < 20 ? 250 : Math.floor(rest / 9980) + (i - 20 < rest % 9980 ? 1 : 0));
    const yaml = clusterYaml({ nodes: 5000, services: 10000, replicas, types: true, nodeCIDR: '10.128.0.0/18', podCIDR: '10.0.0.0/11', serviceCIDR: '10.96.0.0/16' });
    const t = await pasteAndApply(page, yaml, 5000, 600000);
    const t0 = Date.now();
    const v = await send(page, 'node/node-1', 'svc/app-0:80');
    const traced = Date.now() - t0;
    assert.equal(v.kind, 'delivered', v.text);
    assert.ok(!crashed);
    // The trace's nodes in full, the other 4,998 or so in a few boxes.
    const size = await drawingSize(page);
    const pods = await page.evaluate(() => document.querySelector('svg.topology').getAttribute('aria-label'));
    assert.ok(size.groups > 0 && size.groups <= 40 && size.full >= 1 && size.full <= 10, JSON.stringify(size));
    console.log(`perf: 5,000 nodes / 150,000 pods / 10,000 Services (${(yaml.length / 1e6).toFixed(1)} MB): paste -> checked ${t.checked} ms; Apply -> drawn ${t.drawn.toFixed(0)} ms; send -> verdict (the first trace builds a ruleset of 10,000 Services) ${traced} ms; drawn aggregated: ${size.elements} SVG elements, ${size.groups} group boxes, ${size.full} nodes in full (${pods})`);
    assert.deepEqual(watch.errors, []);
    await page.close();
  } finally {
    await app.stop();
  }
});

// The playground's first paint under Fast 3G and a 4x slower CPU, served
// uncompressed, gzip and brotli (tests/e2e/serve.mjs serves the build's
// precompressed files as a host configured for them does), a cold cache,
// no-cache headers. "First screen": the frame that paints index.html's
// prerendered first screen (the drawing, the request form; inert);
// "interactive": the frame where the live app has replaced it.
test('first paint under Fast 3G and a 4x slower CPU, raw, gzip and brotli', async () => {
  assert.ok(fs.existsSync('dist/index.html.gz'), 'the build writes .gz files (scripts/precompress.mjs)');
  const figures = {};
  for (const encodings of [[], ['gzip'], ['br', 'gzip']]) {
    const name = encodings.length ? encodings.join('+') : 'uncompressed';
    await withBrowser(async ({ server, context }) => {
      const page = await context.newPage();
      await page.setViewportSize(VIEWPORT);
      await watchFirstScreen(page);
      const cdp = await throttle(page, { cold: true });
      let bytes = 0;
      cdp.on('Network.loadingFinished', (e) => { bytes += e.encodedDataLength; });
      await page.goto(server.url, { waitUntil: 'commit' });
      await page.waitForFunction(() => window.__fs.screen !== null, null, { timeout: 60000 });
      const atScreen = bytes;
      await page.waitForFunction(() => window.__fs.app !== null, null, { timeout: 90000 });
      const t = await page.evaluate(() => ({
        ...window.__fs,
        fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime,
      }));
      // Painted: the later of the frame that laid it out and the browser's
      // first contentful paint (the screen comes in one piece).
      t.painted = Math.max(t.screen, t.fcp ?? Infinity);
      figures[name] = t;
      console.log(`perf: first paint, Fast 3G + 4x CPU, ${name}: first screen painted ${Math.round(t.painted)} ms `
        + `(laid out in the frame of ${Math.round(t.screen)} ms, first contentful paint ${Math.round(t.fcp)} ms; ${atScreen} bytes over the wire by then); `
        + `interactive ${Math.round(t.app)} ms, ${bytes} bytes`);
      await page.close();
    }, { serveOptions: { encodings, headers: { 'cache-control': 'no-cache' } } });
  }
  const gz = figures.gzip.painted;
  console.log(`perf: playground first paint with a gzip server: ${Math.round(gz)} ms (goal < 1500${gz < 1500 ? '' : ': NOT MET'})`);
  assert.ok(gz < 1500, `the playground's first paint with a gzip server: ${gz} ms`);
  for (const t of Object.values(figures)) assert.ok(t.painted < t.app, 'the first screen before the app');
});
