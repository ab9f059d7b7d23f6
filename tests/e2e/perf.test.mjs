// Edit -> re-trace -> paint on the story cluster, measured in Chromium and
// printed (a figure to watch, not a timed assertion): removing a node and
// undoing it, each of which re-runs the open trace and redraws the page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { start, send } from './app.mjs';

test('edit -> re-trace -> paint on the story cluster (figures)', async () => {
  const app = await start();
  try {
    const { page } = await app.page();
    const v = await send(page, 'pod/client', 'svc/web:80');
    assert.equal(v.kind, 'delivered');
    const figures = await page.evaluate(async () => {
      const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      const settle = () => new Promise((r) => setTimeout(r, 0));
      const work = [];
      const paint = [];
      for (let i = 0; i < 40; i++) {
        const removing = i % 2 === 0;
        const button = removing
          ? document.querySelector('.node-chip[data-node="node-3"] .remove-node')
          : document.querySelector('#undo');
        const t0 = performance.now();
        button.click();
        await settle();
        const t1 = performance.now();
        await frame();
        const t2 = performance.now();
        const there = !!document.querySelector('.node-chip[data-node="node-3"]');
        if (there === removing) throw new Error(`edit ${i} did not show`);
        if (!document.querySelector('#verdict')) throw new Error('no verdict after the re-trace');
        work.push(t1 - t0);
        paint.push(t2 - t0);
      }
      const stats = (xs) => {
        const s = [...xs].sort((a, b) => a - b);
        return { median: s[Math.floor(s.length / 2)], p90: s[Math.floor(s.length * 0.9)], max: s[s.length - 1] };
      };
      return { work: stats(work), paint: stats(paint) };
    });
    const f = (x) => x.toFixed(1);
    console.log(`perf: edit -> re-trace -> DOM updated: median ${f(figures.work.median)} ms, p90 ${f(figures.work.p90)} ms, max ${f(figures.work.max)} ms (40 edits)`);
    console.log(`perf: edit -> next painted frame:     median ${f(figures.paint.median)} ms, p90 ${f(figures.paint.p90)} ms, max ${f(figures.paint.max)} ms (goal 16 ms)`);
    await page.close();
  } finally {
    await app.stop();
  }
});
