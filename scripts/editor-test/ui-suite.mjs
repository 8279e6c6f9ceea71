// Suite "ui": what a person sees in the VS Code workbench (code-server + Debian's Chromium via playwright-core), on a
// real 6.1 file when the kernel tree is extracted (else on examples/). Clicks the file in the Explorer, waits for the
// squiggle, reads the verdict lenses and clicks the safe one through to its pin, hovers the unsafe test, reads the
// Problems panel and the status bar (the same count), applies the quick fix from the Ctrl+. menu and undoes it,
// takes the suppression fix and types its reason into the tab stop, opens the report view and clicks a row. Saves
// lens.png, hover.png, problems.png, quickfix.png and report.png (docs/screenshots/, for the README).
import path from 'node:path';
import { writeFileSync } from 'node:fs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const short = (s, n = 300) => (s.length > n ? `${s.slice(0, n)}…` : s);

/**
 * spec: { primary: { file, fn, at, rule, hover }, primaryAt: {line, character} (1-based),
 *         lens: { unsafe: RegExp, safe: RegExp, safeAt: {line, character} }, reportRow: RegExp, reportTitle }
 */
export async function runUi({ page, consoleErrors, spec, shots, tmp }) {
  const checks = [];
  const timings = {};
  const add = (name, ok, detail, extra = {}) => checks.push({ name, ok: !!ok, detail, ...extra });
  const P = spec.primary;
  const primary = spec.primaryAt;
  const fileName = path.basename(P.file);
  const t = async (name, fn) => { const t0 = Date.now(); try { return await fn(); } finally { timings[name] = Date.now() - t0; } };
  const shot = async (name, clip) => { await page.screenshot({ path: path.join(shots, name), ...(clip ? { clip } : {}) }); return name; };
  const step = async (name, fn) => {
    try { return await t(name, fn); } catch (e) {
      add(name, false, String(e.message).split('\n').slice(0, 6).join('\n'));
      try { await page.screenshot({ path: path.join(tmp, `failed-${name.replace(/\W+/g, '-')}.png`) }); } catch {}
      return undefined;
    }
  };
  const editor = page.locator('.editor-group-container.active .monaco-editor').first();
  // The squiggle on the cursor's line.
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
  // The text of the cursor's line as rendered, and of the line above it.
  const cursorLines = async () => page.evaluate(() => {
    const ed = document.querySelector('.editor-group-container.active .monaco-editor');
    const cur = ed?.querySelector('.cursors-layer .cursor')?.getBoundingClientRect();
    if (!cur) return null;
    const lines = [...ed.querySelectorAll('.view-line')].map((l) => ({ top: l.getBoundingClientRect().top, text: l.textContent.replace(/\u00a0/g, ' ') })).sort((a, b) => a.top - b.top);
    const i = lines.findIndex((l) => Math.abs(l.top - cur.top) < 4);
    return i < 0 ? null : { line: lines[i].text, above: lines[i - 1]?.text ?? '' };
  });
  // The code lenses rendered in the editor: their text and where they are.
  const lensesShown = async () => page.evaluate(() => [...document.querySelectorAll('.editor-group-container.active .codelens-decoration')]
    .map((e) => { const r = e.getBoundingClientRect(); return { text: e.textContent.trim(), x: r.left, y: r.top, w: r.width, h: r.height }; }));
  const cursorPosition = async () => (await page.locator('.statusbar-item[id$="status.editor.selection"]').first().innerText().catch(() => '')).trim();
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
  const palette = async (title) => {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input').first();
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(`>${title}`);
    const row = page.locator('.quick-input-list .monaco-list-row').filter({ hasText: title.split(': ').pop() }).first();
    await row.waitFor({ timeout: 10_000 });
    const label = await row.innerText();
    await page.keyboard.press('Enter');
    return label;
  };
  // Undo a step's edits until the test's line reads as on disk again (the suppression comment gone above it).
  const restore = async () => {
    await page.keyboard.press('Escape');
    for (let k = 0; k < 40; k++) {
      await goTo(primary.line, primary.character + 2);
      const l = await cursorLines();
      if (l && l.line.includes(P.at) && !l.above.includes('pagecheck: ignore') && !l.line.includes('pfn_to_online_page')) return;
      await editor.click({ position: { x: 200, y: 10 } }).catch(() => {});
      await page.keyboard.press('Control+z');
      await sleep(150);
    }
    throw new Error(`line ${primary.line} did not come back to its text on disk after undoing: ${JSON.stringify(await cursorLines())}`);
  };
  const hidePanel = async () => {
    if (await page.locator('.part.panel').isVisible().catch(() => false)) {
      await page.keyboard.press('Control+j');
      await page.locator('.part.panel').waitFor({ state: 'hidden', timeout: 5000 }).catch(() => {});
    }
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

  // 2. The squiggle. Monaco renders only the visible lines: bring the test's line into view, then wait.
  const t0 = Date.now();
  const squiggly = await step('squiggle', async () => {
    await goTo(primary.line, primary.character + 2);
    await editor.locator('.squiggly-warning').first().waitFor({ state: 'attached', timeout: 120_000 });
    return true;
  });
  add(`a .squiggly-warning appears on line ${primary.line} of ${P.file} (${Date.now() - t0} ms after opening)`, squiggly);
  if (!squiggly) return finish();
  // The code is the point of the pictures: the sidebar goes until the report.
  await page.keyboard.press('Control+b');
  await sleep(300);

  // 3. Verdict lenses: the unsafe test's above it, the safe test's names its pin and clicks through to it.
  const lens = await step('lenses', async () => {
    await goTo(primary.line, primary.character + 2);
    let shown = [];
    const tl = Date.now();
    while (Date.now() - tl < 20_000 && !shown.some((l) => spec.lens.unsafe.test(l.text))) { await sleep(300); shown = await lensesShown(); }
    const unsafe = shown.find((l) => spec.lens.unsafe.test(l.text));
    if (!unsafe) throw new Error(`no lens matching ${spec.lens.unsafe} near line ${primary.line}; lenses: ${JSON.stringify(shown.map((l) => l.text))}`);
    await goTo(spec.lens.safeAt.line, spec.lens.safeAt.character + 2);
    let safeShown = [];
    const ts = Date.now();
    while (Date.now() - ts < 20_000 && !safeShown.some((l) => spec.lens.safe.test(l.text))) { await sleep(300); safeShown = await lensesShown(); }
    const safe = safeShown.find((l) => spec.lens.safe.test(l.text));
    if (!safe) throw new Error(`no lens matching ${spec.lens.safe} near line ${spec.lens.safeAt.line}; lenses: ${JSON.stringify(safeShown.map((l) => l.text))}`);
    await shot('lens.png');
    // Click the lens's text: the editor goes to the pin.
    const before = await cursorPosition();
    await page.mouse.click(safe.x + Math.min(20, safe.w / 2), safe.y + safe.h / 2);
    let after = before;
    const tc = Date.now();
    while (Date.now() - tc < 10_000 && after === before) { await sleep(200); after = await cursorPosition(); }
    return { unsafe: unsafe.text, safe: safe.text, before, after, line: (await cursorLines())?.line ?? '' };
  });
  if (lens) {
    add(`lens above the unsafe test: "${short(lens.unsafe, 90)}" (lens.png)`, true, null);
    add(`lens above the safe test names its pin: "${short(lens.safe, 90)}"`, true, null);
    const m = /Ln (\d+)/.exec(lens.after);
    add(`clicking the safe lens goes to its pin (${lens.before} → ${lens.after}: "${short(lens.line.trim(), 80)}")`,
      m && Number(m[1]) !== spec.lens.safeAt.line && spec.lens.pinText.test(lens.line), `cursor: ${lens.after}; line: ${lens.line}`);
  }

  // 4. Hover the unsafe call.
  const hoverText = await step('hover', async () => {
    await goTo(primary.line, primary.character + 2);
    // The origin the hover cites is some lines above the test: scroll it into view (the hover opens below).
    await page.keyboard.press('Control+ArrowUp');
    await sleep(300);
    const sq = await squiggleAtCursor();
    if (!sq) throw new Error(`no squiggle on line ${primary.line} (the ${P.at.replace('(', '()')} call)`);
    await page.mouse.move(sq.x + Math.min(sq.w / 2, 40), sq.y + sq.h / 2 - 4);
    const hover = page.locator('.monaco-hover:not(.hidden)').filter({ hasText: /\S/ }).first();
    await hover.waitFor({ state: 'visible', timeout: 10_000 });
    await sleep(600); // let the provider's part render
    const text = await hover.innerText();
    const box = await hover.boundingBox();
    await shot('hover.png');
    return { text, below: box && box.y > sq.y };
  });
  if (hoverText !== undefined) {
    const text = hoverText.text;
    add('hover over the squiggle: the verdict line, the pins held and missing (hover.png)', P.hover.test(text) && /Pins held/.test(text) && /Missing/.test(text), short(text, 700), { info: true });
    add('the hover says the finding\'s message once (the diagnostic part), not again in pagecheck\'s part', text.split('nothing keeps this page').length <= 2, short(text, 700));
    add('the hover opens below the line (editor.hover.above: false), the origin above it stays in view', hoverText.below, null);
  }
  await page.keyboard.press('Escape');
  await page.mouse.move(5, 5);

  // 5. Problems panel and the status bar: the same unsafe count.
  const rows = await step('problems', async () => {
    await page.keyboard.press('Control+Shift+m');
    const list = page.locator('.markers-panel .monaco-list-row');
    await list.first().waitFor({ timeout: 15_000 });
    await sleep(800);
    const texts = await list.evaluateAll((els) => els.map((e) => `${e.innerText.replace(/\s+/g, ' ').trim()} | ${e.getAttribute('aria-label') ?? ''}`));
    const status = await page.locator('.statusbar-item').filter({ hasText: /^pagecheck/ }).first().innerText().catch(() => '');
    await shot('problems.png');
    return { texts, status: status.trim() };
  });
  if (rows) {
    const hit = rows.texts.find((r) => r.includes(P.rule) && new RegExp(`\\b${primary.line}\\b`).test(r));
    add(`Problems panel lists the ${P.rule} on line ${primary.line} (problems.png)`, hit, rows.texts.join('\n'), { info: true });
    const unsafeRows = rows.texts.filter((r) => /unsafe: /.test(r) && !/unsafe\? HMM/.test(r)).length;
    const m = /pagecheck: (\d+) unsafe/.exec(rows.status);
    add(`the status bar counts what the Problems panel lists ("${rows.status}", ${unsafeRows} unsafe row${unsafeRows === 1 ? '' : 's'})`, m && Number(m[1]) === unsafeRows, rows.status);
  }

  // 6. Quick fix: Ctrl+. then Enter on the preferred fix; the squiggle goes; undo brings it back.
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
    let gone = false;
    const tFix = Date.now();
    while (Date.now() - tFix < 20_000) {
      await sleep(250);
      if (!(await squiggleAtCursor())) { gone = true; break; }
    }
    const ms = Date.now() - tFix;
    await restore();
    return { items, focused, gone, ms };
  });
  if (fix) {
    add(`Ctrl+. shows quick fixes, each once (quickfix.png)`, fix.items.length > 0 && new Set(fix.items).size === fix.items.length, fix.items.join('\n'), { info: true });
    add(`Enter applies "${short(fix.focused ?? '', 80)}" and the squiggle on the line goes (${fix.ms} ms)`, fix.gone, null);
  }
  await page.keyboard.press('Escape');

  // 7. The suppression: its reason is a tab stop: typing replaces the placeholder.
  const reason = 'the PTL is held across the test (reviewed)';
  const sup = await step('suppression', async () => {
    await goTo(primary.line, primary.character + 2);
    let sq = null;
    const tq = Date.now();
    while (!sq && Date.now() - tq < 20_000) { await sleep(250); sq = await squiggleAtCursor(); }
    if (!sq) throw new Error(`the squiggle on line ${primary.line} did not come back after undoing the fix`);
    await page.keyboard.press('Control+.');
    await page.locator('.action-widget .monaco-list-row.action').first().waitFor({ timeout: 10_000 });
    const items = await page.locator('.action-widget .monaco-list-row.action').evaluateAll((els) => els.map((e) => e.textContent.trim()));
    const i = items.findIndex((x) => /^Suppress /.test(x));
    if (i < 0) throw new Error(`no suppression in ${JSON.stringify(items)}`);
    for (let k = 0; k < i; k++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await sleep(500);
    await page.keyboard.type(reason);
    await sleep(300);
    const lines = await cursorLines();
    let gone = false;
    const tg = Date.now();
    await goTo(primary.line + 1, primary.character + 2);
    while (Date.now() - tg < 20_000) { await sleep(250); if (!(await squiggleAtCursor())) { gone = true; break; } }
    await restore();
    return { lines, gone };
  });
  if (sup) {
    add(`the suppression's reason is a tab stop: typing writes it ("${short(sup.lines?.line.trim() ?? '', 90)}")`,
      sup.lines && sup.lines.line.includes(`-- ${reason} */`) && !sup.lines.line.includes('TODO'), JSON.stringify(sup.lines));
    add('with a reason written, the finding is suppressed (its squiggle goes)', sup.gone, null);
  }
  await page.keyboard.press('Escape');

  // 8. The report view: "pagecheck: Show Report" reveals it; counts at the top; a row opens its line.
  const rep = await step('report', async () => {
    await hidePanel();
    const label = await palette(spec.reportTitle);
    const view = page.locator('.pane').filter({ has: page.locator('.pane-header', { hasText: /pagecheck report/i }) }).first();
    await view.waitFor({ timeout: 15_000 });
    // Room for the report: the folder tree's pane collapsed, the side bar widened.
    const folderHeader = page.locator('.pane-header').filter({ hasText: new RegExp(`^\\s*${path.basename(spec.ws).replace(/[-]/g, '\\-')}`, 'i') }).first();
    if ((await folderHeader.getAttribute('aria-expanded').catch(() => null)) === 'true') await folderHeader.click().catch(() => {});
    const sb = await page.locator('.part.sidebar').boundingBox();
    if (sb) {
      await page.mouse.move(sb.x + sb.width, sb.y + sb.height / 2);
      await page.mouse.down();
      await page.mouse.move(sb.x + 640, sb.y + sb.height / 2, { steps: 8 });
      await page.mouse.up();
    }
    const rowsL = view.locator('.monaco-list-row');
    // The view follows the verdicts: after the revert, smaps_pmd_entry() is unsafe again.
    await rowsL.filter({ hasText: spec.reportRow }).first().waitFor({ timeout: 30_000 });
    await sleep(1000);
    const rowTexts = await rowsL.evaluateAll((els) => els.map((e) => e.innerText.replace(/\s+/g, ' ').trim()));
    const message = (await view.locator('.message, .tree-explorer-viewlet-tree-view-message, .pane-body > .message').first().innerText().catch(() => '')).trim();
    await shot('report.png');
    const target = rowsL.filter({ hasText: spec.reportRow }).first();
    await target.click();
    await sleep(800);
    const active = await page.locator('.tabs-container .tab.active').first().getAttribute('aria-label');
    const pos = await cursorPosition();
    return { label, rowTexts, message, active, pos };
  });
  if (rep) {
    add(`"${spec.reportTitle}" reveals the report view: ZONE_DEVICE tests, memmap reads, safe rows included (report.png)`,
      rep.rowTexts.some((r) => /^ZONE_DEVICE tests/.test(r)) && rep.rowTexts.some((r) => /^Memmap reads/.test(r)) && rep.rowTexts.some((r) => /\(\): safe/.test(r))
        && (!spec.reportMemmapRow || rep.rowTexts.some((r) => spec.reportMemmapRow.test(r))),
      rep.rowTexts.slice(0, 20).join('\n'), { info: true });
    add(`the report's counts are the status bar's and the Problems panel's ("${short(rep.message, 100)}")`, /unsafe finding/.test(rep.message), rep.message);
    const m = /Ln (\d+)/.exec(rep.pos ?? '');
    add(`a report row opens its line (${rep.active}, ${rep.pos})`, (rep.active ?? '').includes(fileName) && m && Number(m[1]) === primary.line, `${rep.active} ${rep.pos}`);
  }

  return finish();

  function finish() {
    writeFileSync(path.join(tmp, 'ui-console-errors.txt'), consoleErrors.join('\n'));
    return { checks, notes: `  ui timings: ${Object.entries(timings).map(([k, v]) => `${k} ${v} ms`).join(', ')}`, timings };
  }
}
