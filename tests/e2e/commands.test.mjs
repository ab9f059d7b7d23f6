// The command behind each hop: with "Every hop", a hop opens onto what to
// type on the real node (ip route get, iptables -S CHAIN N, tcpdump) with the
// output the engine predicts (the kernel check runs the same commands and
// compares), and a copy button. Screenshot in target/e2e/commands.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { start, send } from './app.mjs';

let app;
before(async () => {
  fs.mkdirSync('target/e2e', { recursive: true });
  app = await start();
});
after(async () => { await app.stop(); });

test('every hop shows the commands that show it on the machine', async () => {
  const { page, watch } = await app.page({ width: 1366, height: 800 });
  await send(page, 'pod/client', 'svc/web:80');
  await page.check('#every-hop');
  // The client's route, as `ip route get` prints it.
  const route = page.locator('li.hop[data-device="pod/client"] details.commands').first();
  await route.locator('summary').click();
  const routeText = await route.locator('pre').textContent();
  assert.match(routeText, /^\$ ip route get 10\.3\.241\.152\n10\.3\.241\.152 via 10\.0\.1\.1 dev eth0 src 10\.0\.1\.2 uid 0 \n {4}cache \n$/);
  // The DNAT hop: the rules that matched, as iptables prints them back.
  const dnat = page.locator('li.hop.nat[data-device="node/node-1"] details.commands').first();
  await dnat.locator('summary').click();
  const dnatText = await dnat.locator('pre').textContent();
  assert.match(dnatText, /\$ iptables -t nat -S KUBE-SERVICES 1\n-A KUBE-SERVICES -d 10\.3\.241\.152\/32 -p tcp /);
  assert.match(dnatText, /\$ iptables -t nat -S KUBE-SEP-\w+ 2\n-A KUBE-SEP-\w+ -p tcp -m comment --comment "default\/web:http" -m tcp -j DNAT --to-destination 10\.0\.[23]\.2:8080/);
  assert.equal(await dnat.locator('button.copy').count(), 1);
  // On node-1's cbr0, tcpdump and the line it prints: already DNATed.
  const wire = page.locator('li.hop[data-device="node/node-1"] details.commands', { hasText: 'tcpdump -nqt -i cbr0' }).first();
  await wire.locator('summary').click();
  const wireText = await wire.locator('pre').textContent();
  assert.match(wireText, /\$ tcpdump -nqt -i cbr0 -c 1 tcp and src 10\.0\.1\.2 and dst 10\.0\.[23]\.2 and dst port 8080\nIP 10\.0\.1\.2\.\d+ > 10\.0\.[23]\.2\.8080: tcp 0\n/);
  await dnat.scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'target/e2e/commands.png' });
  assert.deepEqual(watch.errors, []);
  await page.close();
});

// On a phone, an opened command's long line scrolls in its own box: the
// page never gets wider than the screen (the trace panel is a flex item
// there, sized by its content unless told otherwise). Screenshots in
// target/e2e/commands-390-*.png, English light and Korean dark.
test('390 px: a long command scrolls in its box, the page stays as wide as the screen', async () => {
  const { page, watch } = await app.page({ width: 390, height: 844 });
  await send(page, 'pod/client', 'svc/web:80');
  await page.check('#every-hop');
  const wire = page.locator('li.hop[data-device="node/node-1"] details.commands', { hasText: 'tcpdump -nqt -i cbr0' }).first();
  await wire.locator('summary').click();
  const widths = () => page.evaluate(() => {
    const pre = [...document.querySelectorAll('details.commands[open] pre')].find((p) => p.textContent.includes('tcpdump'));
    return { page: document.documentElement.scrollWidth, screen: document.documentElement.clientWidth, box: pre.clientWidth, line: pre.scrollWidth };
  });
  const w = await widths();
  assert.ok(w.page <= w.screen, `the page is ${w.page} px wide on a ${w.screen} px screen`);
  assert.ok(w.line > w.box && w.box < w.screen, `the command scrolls in its box (${w.line} in ${w.box})`);
  await wire.scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'target/e2e/commands-390-en-light.png' });
  await page.click('#lang-switch');
  await page.waitForFunction(() => document.documentElement.lang === 'ko');
  await page.emulateMedia({ colorScheme: 'dark' });
  const k = await widths();
  assert.ok(k.page <= k.screen, `Korean: the page is ${k.page} px wide on a ${k.screen} px screen`);
  await page.screenshot({ path: 'target/e2e/commands-390-ko-dark.png' });
  assert.deepEqual(watch.errors, []);
  await page.close();
});
