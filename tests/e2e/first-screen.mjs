// The playground's first screen as the app draws it, for index.html to show
// before the wasm runs (static/first-screen.html, spliced into the built
// page by scripts/csp-hook.mjs). Captured from the live app in chromium, so
// it is the same code's output, not a copy kept by hand; the e2e test
// (first-screen.test.mjs) fails when the committed file differs from what
// the app draws now, and `node scripts/first-screen.mjs` rewrites it.
//
// The capture is a picture in HTML, not a second app: form values become
// attributes; ids, label links and tab stops are dropped (nothing may be
// found, focused or used before the app mounts: index.html marks the whole
// screen `inert`); the datalists and inline styles are left out (the page's
// CSP allows no style attribute).
export const VIEWPORT = { width: 1366, height: 800 };

// Runs in the page, over the mounted app's <body>.
export function captureInPage() {
  const live = document.body;
  const copy = live.cloneNode(true);
  const a = live.querySelectorAll('*');
  const b = copy.querySelectorAll('*');
  for (let i = 0; i < a.length; i++) {
    const el = a[i];
    const c = b[i];
    if (el instanceof HTMLInputElement) {
      if (el.type === 'radio' || el.type === 'checkbox') {
        if (el.checked) c.setAttribute('checked', ''); else c.removeAttribute('checked');
      } else if (el.value !== '') c.setAttribute('value', el.value);
    } else if (el instanceof HTMLOptionElement) {
      if (el.selected) c.setAttribute('selected', ''); else c.removeAttribute('selected');
    }
  }
  for (const el of copy.querySelectorAll('datalist, script, noscript')) el.remove();
  for (const el of copy.querySelectorAll('*')) {
    for (const name of ['id', 'for', 'list', 'style', 'tabindex', 'aria-labelledby', 'aria-controls', 'aria-live']) {
      el.removeAttribute(name);
    }
  }
  return copy.innerHTML.replace(/\s+\n/g, '\n').trim();
}

// The first screen of the app served at `url`, in a fresh page of `context`.
export async function capture(context, url) {
  const page = await context.newPage();
  try {
    await page.setViewportSize(VIEWPORT);
    await page.goto(url, { waitUntil: 'load' });
    await page.evaluate(() => localStorage.clear());
    await page.goto('about:blank');
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForSelector('#trace-h', { timeout: 30000 });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));
    return await page.evaluate(captureInPage);
  } finally {
    await page.close();
  }
}

// An init script: records when the prerendered first screen is first on
// screen (the first animation frame in which its drawing has a size, i.e.
// the frame that paints it), when the live app is (its `#trace-h`), and
// what the page decided at DOMContentLoaded.
export async function watchFirstScreen(page) {
  await page.addInitScript(() => {
    const w = (window.__fs = { screen: null, app: null, shown: null });
    document.addEventListener('DOMContentLoaded', () => {
      w.shown = document.documentElement.classList.contains('first-screen-shown');
    });
    const tick = (t) => {
      if (w.screen === null) {
        const svg = document.querySelector('#first-screen svg.topology');
        if (svg && svg.getBoundingClientRect().height > 0) w.screen = t;
      }
      if (w.app === null && document.getElementById('trace-h')) w.app = t;
      if (w.app === null) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}
