// Suite "ui": what a person sees in the VS Code workbench (code-server + Debian's Chromium via
// playwright-core). Clicks the file in the Explorer, waits for the squiggle, reads the Problems panel and
// the hover, applies the quick fix from the Ctrl+. menu, runs "pagecheck: Show Report" from the command
// palette, and saves hover.png, problems.png, quickfix.png and report.png.
import path from 'node:path';
import { writeFileSync } from 'node:fs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const short = (s, n = 300) => (s.length > n ? `${s.slice(0, n)}…` : s);

export async function runUi({ page, consoleErrors, expect: E, primary, shots, tmp }) {
  const checks = [];
  const timings = {};
  const add = (name, ok, detail, extra = {}) => checks.push({ name, ok: !!ok, detail, ...extra });
  const P = E.primary;
  const fileName = path.basename(P.file);
  const t = async (name, fn) => { const t0 = Date.now(); try { return await fn(); } finally { timings[name] = Date.now() - t0; } };
  const shot = async (name) => { await page.screenshot({ path: path.join(shots, name) }); return name; };
  const step = async (name, fn) => {
    try { return await t(name, fn); } catch (e) {
      add(name, false, String(e.message).split('\n').slice(0, 6).join('\n'));
      try { await page.screenshot({ path: path.join(tmp, `failed-${name.replace(/\W+/g, '-')}.png`) }); } catch {}
      return undefined;
    }
  };
  const editor = page.locator('.editor-group-container.active .monaco-editor').first();
  // The squiggle on the primary line: the .squiggly-warning whose vertical middle is inside the cursor's line.
  const squiggleAtCursor = async () => page.evaluate(() => {
    const ed = document.querySelector('.editor-group-container.active .monaco-editor');
    const cur = ed?.querySelector('.cursors-layer .cursor');
    if (!cur) return null;
    const c = cur.getBoundingClientRect();
    for (const s of ed.querySelectorAll('.squiggly-warning, .squiggly-error, .squiggly-info')) {
      const r = s.getBoundingClientRect();
      const mid = r.top + r.height / 2;
      if (mid >= c.top - 2 && mid <= c.bottom + 2 && r.width > 0) return { x: r.left, y: r.top, w: r.width, h: r.height, cls: s.className };
    }
    return null;
  });
  const goTo = async (line, col) => {
    await editor.click({ position: { x: 200, y: 10 } }).catch(() => {});
    await page.keyboard.press('Control+g');
    const input = page.locator('.quick-input-widget input').first();
    await input.waitFor({ state: 'visible', timeout: 5000 });
    await input.fill(`:${line}:${col}`);
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget').first().waitFor({ state: 'hidden', timeout: 5000 }).catch(() => {});
    await sleep(300);
  };

  // 1. Explorer: expand the folders and click the file.
  const opened = await step('open the file from the Explorer', async () => {
    const explorer = page.locator('.explorer-folders-view');
    if (!(await explorer.isVisible().catch(() => false))) await page.keyboard.press('Control+Shift+e');
    await explorer.locator('.monaco-list-row').first().waitFor({ timeout: 30_000 });
    const segs = P.file.split('/');
    // Rows are matched by name and nesting: each segment one level below the previous one.
    const rowsNow = () => explorer.locator('.monaco-list-row').evaluateAll((els) => els.map((e) => ({
      level: Number(e.getAttribute('aria-level')), name: e.querySelector('.label-name')?.textContent ?? '', expanded: e.getAttribute('aria-expanded') })));
    let level = null;
    for (let i = 0; i < segs.length; i++) {
      let found = null;
      const tSeg = Date.now();
      while (!found && Date.now() - tSeg < 10_000) {
        const rows = await rowsNow();
        found = rows.find((r) => r.name === segs[i] && (level == null || r.level === level + 1));
        if (!found) await sleep(200);
        else if (i === 0) level = found.level - 1;
      }
      if (!found) throw new Error(`Explorer has no row "${segs[i]}" under "${segs.slice(0, i).join('/') || '/'}"; rows: ${JSON.stringify(await rowsNow())}`);
      const row = explorer.locator(`.monaco-list-row[aria-level="${found.level}"]`).filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${segs[i].replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) }).first();
      if (i < segs.length - 1) {
        if (found.expanded !== 'true') await row.click();
        await page.waitForFunction(([lvl, name]) => [...document.querySelectorAll(`.explorer-folders-view .monaco-list-row[aria-level="${lvl}"]`)]
          .some((r) => r.getAttribute('aria-expanded') === 'true' && r.querySelector('.label-name')?.textContent === name), [found.level, segs[i]], { timeout: 10_000 });
      } else {
        await row.click();
      }
      level = found.level;
    }
    await page.locator(`.tabs-container .tab.active[aria-label*="${fileName}"]`).first().waitFor({ timeout: 15_000 });
    await editor.locator('.view-lines').waitFor({ timeout: 15_000 });
    return true;
  });
  add(`Explorer: ${P.file} opens in an editor (${timings['open the file from the Explorer']} ms)`, opened);
  if (!opened) return finish();

  // 2. The squiggle.
  const t0 = Date.now();
  // Monaco renders only the visible lines: bring the test's line into view, then wait for its squiggle.
  const squiggly = await step('squiggle', async () => {
    await goTo(primary.line, primary.character + 2);
    await editor.locator('.squiggly-warning').first().waitFor({ state: 'attached', timeout: 90_000 });
    return true;
  });
  add(`a .squiggly-warning appears on line ${primary.line} (${Date.now() - t0} ms after opening)`, squiggly);
  if (!squiggly) return finish();

  // 3. Hover the unsafe call.
  const hoverText = await step('hover', async () => {
    await goTo(primary.line, primary.character + 2);
    const sq = await squiggleAtCursor();
    if (!sq) throw new Error(`no squiggle on line ${primary.line} (the ${P.at.replace('(', '()')} call)`);
    await page.mouse.move(sq.x + Math.min(sq.w / 2, 40), sq.y + sq.h / 2 - 4);
    const hover = page.locator('.monaco-hover:not(.hidden)').filter({ hasText: /\S/ }).first();
    await hover.waitFor({ state: 'visible', timeout: 10_000 });
    await sleep(400); // let the provider's part render
    const text = await hover.innerText();
    await shot('hover.png');
    return text;
  });
  if (hoverText !== undefined) {
    add('hover over the squiggle shows pagecheck\'s explanation (hover.png)', P.hover.test(hoverText) && /pagecheck|PC00\d/i.test(hoverText), short(hoverText, 600), { info: true });
  }
  await page.keyboard.press('Escape');
  await page.mouse.move(5, 5);

  // 4. Problems panel.
  const rows = await step('problems', async () => {
    await page.keyboard.press('Control+Shift+m');
    const list = page.locator('.markers-panel .monaco-list-row');
    await list.first().waitFor({ timeout: 15_000 });
    await sleep(500);
    const texts = await list.evaluateAll((els) => els.map((e) => `${e.innerText.replace(/\s+/g, ' ').trim()} | ${e.getAttribute('aria-label') ?? ''}`));
    await shot('problems.png');
    return texts;
  });
  if (rows) {
    const hit = rows.find((r) => r.includes(P.rule) && new RegExp(`\\b${primary.line}\\b`).test(r));
    add(`Problems panel lists the ${P.rule} on line ${primary.line} (problems.png)`, hit, rows.join('\n'), { info: true });
  }

  // 5. Quick fix: Ctrl+. then Enter.
  const fix = await step('quickfix', async () => {
    await goTo(primary.line, primary.character + 2);
    const before = await squiggleAtCursor();
    if (!before) throw new Error(`no squiggle on line ${primary.line} before the quick fix`);
    await page.keyboard.press('Control+.');
    const menu = page.locator('.action-widget').first();
    await menu.waitFor({ state: 'visible', timeout: 10_000 });
    await page.locator('.action-widget .monaco-list-row.action').first().waitFor({ timeout: 10_000 });
    await sleep(300);
    const items = await page.locator('.action-widget .monaco-list-row.action').evaluateAll((els) => els.map((e) => e.textContent.trim()));
    const focused = await page.locator('.action-widget .monaco-list-row.action.focused').first().textContent().catch(() => items[0]);
    await shot('quickfix.png');
    await page.keyboard.press('Enter');
    await menu.waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => {});
    // The cursor moves with the call when the fix inserts text above it: its squiggle must go.
    let gone = false;
    const tFix = Date.now();
    while (Date.now() - tFix < 20_000) {
      await sleep(250);
      if (!(await squiggleAtCursor())) { gone = true; break; }
    }
    await sleep(300);
    return { items, focused, gone, ms: Date.now() - tFix };
  });
  if (fix) {
    add(`Ctrl+. shows quick fixes (quickfix.png)`, fix.items.length > 0, fix.items.join('\n'), { info: true });
    add(`Enter applies "${short(fix.focused ?? '', 80)}" and the squiggle on the line goes (${fix.ms} ms)`, fix.gone, null);
  }
  await page.keyboard.press('Escape');

  // 6. Report from the command palette.
  const rep = await step('report', async () => {
    // Hide the Problems panel (Ctrl+J) so the report gets the whole editor area.
    if (await page.locator('.part.panel').isVisible().catch(() => false)) {
      await page.keyboard.press('Control+j');
      await page.locator('.part.panel').waitFor({ state: 'hidden', timeout: 5000 }).catch(() => {});
    }
    const tabsBefore = await page.locator('.tabs-container .tab').count();
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input').first();
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(`>${E.reportTitle}`);
    const row = page.locator('.quick-input-list .monaco-list-row').filter({ hasText: E.reportTitle.split(': ').pop() }).first();
    await row.waitFor({ timeout: 10_000 });
    const label = await row.innerText();
    await page.keyboard.press('Enter');
    await page.waitForFunction((n) => document.querySelectorAll('.tabs-container .tab').length > n, tabsBefore, { timeout: 20_000 });
    await sleep(1500); // let a webview or document render
    const active = await page.locator('.tabs-container .tab.active').first().getAttribute('aria-label');
    const body = await page.locator('.editor-group-container.active').first().innerText().catch(() => '');
    await shot('report.png');
    return { label, active, body };
  });
  if (rep) add(`palette "${E.reportTitle}" opens the report (report.png)`, rep.active, `palette row: ${rep.label.replace(/\n/g, ' ')}\nactive tab: ${rep.active}\n${short(rep.body, 300)}`, { info: true });

  return finish();

  function finish() {
    writeFileSync(path.join(tmp, 'ui-console-errors.txt'), consoleErrors.join('\n'));
    return { checks, notes: `  ui timings: ${Object.entries(timings).map(([k, v]) => `${k} ${v} ms`).join(', ')}`, timings };
  }
}
