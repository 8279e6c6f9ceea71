// Assertions on the results the driver extension (test/editor/ext/suite.js) writes. Shared by the
// code-server runner (run.mjs) and the test-electron runner (test/editor/electron-runner.js).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Failure } from './proc.mjs';

/**
 * Finds `spec.at` inside function `spec.fn` of `root/spec.file` (kernel style: the definition's name is on a
 * line that does not start with white space, the body ends at the first `}` in column 1).
 * Returns 1-based { line, character }.
 */
export function findCall(root, spec) {
  const file = path.join(root, spec.file);
  let text;
  try { text = readFileSync(file, 'utf8'); } catch { throw new Failure(`${spec.file}: not in the example tree (${root}); update EXPECT in scripts/editor-test/run.mjs`); }
  const lines = text.split('\n');
  const def = new RegExp(`(^|[\\s*])${spec.fn}\\s*\\(`);
  let start = -1;
  for (let i = 0; i < lines.length; i++) {
    if (!def.test(lines[i]) || /^\s/.test(lines[i]) || /;\s*$/.test(lines[i])) continue;
    // A definition, not a prototype: an opening brace comes before the next `;` at top level.
    for (let j = i; j < Math.min(lines.length, i + 15); j++) {
      if (/^\{/.test(lines[j]) || /\)\s*\{\s*$/.test(lines[j])) { start = i; break; }
      if (/;\s*$/.test(lines[j])) break;
    }
    if (start >= 0) break;
  }
  if (start < 0) throw new Failure(`${spec.file}: no definition of ${spec.fn}(); update EXPECT in scripts/editor-test/run.mjs`);
  for (let i = start; i < lines.length; i++) {
    if (i > start && /^\}/.test(lines[i])) break;
    const c = lines[i].indexOf(spec.at);
    if (c >= 0 && !/^\s*(\*|\/\/|\/\*)/.test(lines[i])) return { line: i + 1, character: c + 1, text: lines[i] };
  }
  throw new Failure(`${spec.file}: ${spec.fn}() has no \`${spec.at}\`; update EXPECT in scripts/editor-test/run.mjs`);
}

const short = (v, n = 400) => { const s = typeof v === 'string' ? v : JSON.stringify(v); return s.length > n ? `${s.slice(0, n)}…` : s; };
const fmt = (d) => `${d.code}@${d.line}:${d.column} ${d.severity} "${short(d.message, 120)}"`;

export function checkApi(r, plan, E, { logs = [] } = {}) {
  const checks = [];
  const add = (name, ok, detail) => checks.push({ name, ok: !!ok, detail });
  const info = (name, detail) => checks.push({ name, ok: true, info: true, detail });
  const step = (id) => r.steps?.[id] ?? { ok: false, error: 'step did not run' };
  const stepOk = (id) => { const s = step(id); add(`${id}: step ran`, s.ok, s.ok ? null : s.error?.split('\n').slice(0, 3).join('\n')); return s.ok ? s : null; };
  const P = E.primary;
  const line = plan.expect.primaryLine;

  add('pagecheck.pagecheck is installed and active', r.extension?.isActive, r.error ?? r.activateError ?? `extension: ${short(r.extension)}`);

  const d = stepOk('diagnostics');
  if (d) {
    const ds = d.diagnostics;
    info(`diagnostics on ${P.file} (${d.ms} ms to settle)`, ds.map(fmt).join('\n') || '(none)');
    const hit = ds.find((x) => x.line === line && x.code === P.rule);
    add(`${P.rule} on ${P.file}:${line} (${P.fn}(), ${P.at.replace('(', '()')})`, hit, ds.map(fmt).join('\n') || 'no pagecheck diagnostics');
    if (hit) {
      add(`  severity ${P.severity}`, hit.severity === P.severity, fmt(hit));
      add(`  message matches ${P.message}`, P.message.test(hit.message), hit.message);
      add('  codeDescription.href is a link', E.href.test(hit.href ?? ''), `href: ${hit.href}`);
      add('  provenance as relatedInformation', hit.related.length > 0, `related: ${short(hit.related)}`);
    }
    add(`every pagecheck code matches ${E.codePattern}`, ds.every((x) => E.codePattern.test(x.code ?? '')), ds.map((x) => x.code).join(' '));
  }

  const hd = stepOk('header');
  if (hd) {
    const H = E.header;
    const where = `${H.file}:${plan.expect.headerLine}`;
    add(`header ${H.file} opens as ${H.languageId} (as VS Code labels .h files)`, hd.languageId === H.languageId, `languageId: ${hd.languageId}`);
    add(`header: ${H.rule} on ${where}`, hd.diagnostics.some((x) => x.line === plan.expect.headerLine && x.code === H.rule), hd.diagnostics.map(fmt).join('\n') || 'no pagecheck diagnostics');
    add(`header: the hover on ${where} explains it`, H.hover.test(hd.hover), short(hd.hover || '(empty hover)', 400));
    add(`header: the quick fixes are offered (${H.action})`, hd.actions.some((t) => H.action.test(t)), short(hd.actions));
  }

  const ln = stepOk('lenses');
  if (ln) {
    const L = E.lenses;
    info(`verdict lenses on ${L.file}`, ln.lenses.map((l) => `${l.line}: ${l.title}${l.command ? ` [${l.command}]` : ''}`).join('\n') || '(none)');
    const safe = ln.lenses.find((l) => l.line === plan.expect.safeLensLine);
    const unsafe = ln.lenses.find((l) => l.line === plan.expect.unsafeLensLine);
    add(`lens on the safe test (${L.file}:${plan.expect.safeLensLine}, ${L.safe.fn}()) names its pin: ${L.safe.title}`, safe && L.safe.title.test(safe.title ?? ''), short(safe));
    add(`lens on the unsafe test (${L.file}:${plan.expect.unsafeLensLine}, ${L.unsafe.fn}()): ${L.unsafe.title}`, unsafe && L.unsafe.title.test(unsafe.title ?? ''), short(unsafe));
    add(`clicking the safe lens opens the pin (${L.target.file}:${plan.expect.pinLine}, ${ln.opened?.ms ?? '-'} ms)`,
      ln.opened && ln.opened.file === L.target.file && ln.opened.line === plan.expect.pinLine, short(ln.opened));
  }

  const h = stepOk('hover');
  if (h) add(`hover on ${P.at.replace('(', '()')} (${P.file}:${h.line}) explains it`, h.text && P.hover.test(h.text), short(h.text || '(empty hover)', 600));

  const ca = stepOk('codeActions');
  if (ca) {
    info('code actions', ca.actions.map((a) => `${a.title} [${a.kind}]${a.isPreferred ? ' preferred' : ''}${a.edit?.length ? ' +edit' : ''}`).join('\n') || '(none)');
    const q = ca.actions.filter((a) => a.kind && a.kind.startsWith('quickfix'));
    add('at least one quickfix code action for the diagnostic', q.length > 0, short(ca.actions));
    // The suppression's edit is a snippet (its reason a tab stop): vscode.executeCodeActionProvider does not hand
    // snippet edits back, so the API sees no text edit on it — and must not see the plain placeholder text, which
    // would mean the client's middleware did not turn it into a snippet. The ui suite types into the tab stop.
    const sup = q.find((a) => /^Suppress /.test(a.title));
    const rewrites = q.filter((a) => a !== sup);
    add('quickfixes carry a real WorkspaceEdit', rewrites.length && rewrites.every((a) => a.edit.length && a.edit.some((e) => e.edits.length)), short(rewrites));
    const plain = sup?.edit.flatMap((e) => e.edits).some((e) => !e.snippet && /TODO: why this is safe/.test(e.newText));
    add('the suppression is offered as a snippet (no plain placeholder text in its edit), each action once', sup && !plain && new Set(ca.actions.map((a) => a.title)).size === ca.actions.length,
      short(sup ?? ca.actions));
  }

  const f = stepOk('applyFix');
  if (f) {
    add(`applying "${f.title}" removes the ${P.rule} on the fixed line (${f.goneMs} ms)`, f.gone,
      `edit: ${short(f.edit)}\nline ${f.trackedLine} now: ${f.lineTextAfter}\nafter: ${f.after.map(fmt).join('; ')}`);
    add(`undoing the fix brings the ${P.rule} back`, f.restored, null);
  }

  const x = stepOk('crossFile');
  if (x) {
    const C = E.crossFile;
    const where = `${C.target.file}:${plan.expect.targetLine} (${C.target.fn}())`;
    const codes = (s) => s.diagnostics.map((d) => d.code);
    const edit = `${C.caller.file}: ${C.caller.at.replace('(', '()')} -> ${C.caller.replace.replace('(', '()')} in ${C.caller.fn}()`;
    add(`before the caller edit: ${C.before ?? 'no finding'} on ${where}`, C.before ? codes(x.before).includes(C.before) : !codes(x.before).length, `diagnostics: ${short(x.before.diagnostics)}`);
    add(`after ${edit}: ${C.after ?? 'no finding'} on ${where} (${x.diagMs ?? '-'} ms${x.savedCaller ? ', after saving the caller' : ''})`,
      C.after ? codes(x.after).includes(C.after) : !codes(x.after).some((c) => c === C.before), `diagnostics after: ${short(x.after.diagnostics)}`);
    add(`after the caller edit: the hover on ${where} changes to ${C.hoverAfter} (${x.hoverMs ?? '-'} ms)`,
      x.hoverChanged && C.hoverAfter.test(x.after.hover.split('\n')[0]), `hover before: ${short(x.before.hover.split('\n')[0], 200)}\nhover after:  ${short(x.after.hover.split('\n')[0], 200)}`);
  }

  const c = stepOk('commands');
  if (c) {
    for (const id of E.commands) {
      const cr = c[id] ?? {};
      add(`command ${id} is registered`, cr.registered, `contributed: ${short(r.extension?.commands)}`);
      if (cr.registered) add(`command ${id} runs without error (${cr.ms} ms)`, cr.ok, cr.error);
    }
    const audit = c[E.commands[0]];
    if (audit?.ok) {
      const files = (audit.filesWithDiagnostics ?? []).map((f) => f.file);
      add(`after ${E.commands[0]}: diagnostics on ${E.auditFiles.join(', ')}`, E.auditFiles.every((f) => files.includes(f)), `files with diagnostics: ${files.join(', ') || 'none'}`);
    }
    const rep = c[E.commands[3]];
    if (rep?.ok) {
      const texts = [...(rep.reportDocuments ?? []).map((t) => t.text), rep.activeEditor?.text ?? '', ...(rep.newTabs ?? []).map((t) => t.label)].join('\n');
      add(`${E.commands[3]} opens the report as a document with a link per row (${E.report})`, (rep.newTabs?.length || rep.reportDocuments?.length) && E.report.test(texts),
        `new tabs: ${short(rep.newTabs)}\ndocuments: ${short(rep.reportDocuments?.map((t) => ({ uri: t.uri, text: t.text.slice(0, 200) })))}`);
    }
    const rs = c[E.commands[2]];
    if (rs?.ok) {
      add(`after ${E.commands[2]}: diagnostics come back (${rs.recoveredMs} ms)`, rs.diagnosticsAfter > 0, rs.afterError);
      add(`after ${E.commands[2]}: hover still answers`, !!rs.hoverAfter, rs.afterError ?? short(rs.hoverAfter));
    }
  }

  const b = stepOk('badConfig');
  if (b) {
    const errs = b.configDiagnostics.filter((d) => d.severity === 'error');
    add(`bad .pagecheck.json: an error diagnostic on the file naming the key (${b.configDiagMs} ms${b.neededOpen ? ', only once opened' : ''})`,
      errs.some((d) => E.badConfig.mentions.test(d.message)), b.configDiagnostics.map(fmt).join('\n') || 'no diagnostics on .pagecheck.json');
    const logHit = logs.find((l) => E.badConfig.mentions.test(l.text) && /\.pagecheck\.json|config/i.test(l.text));
    add('bad .pagecheck.json: reported in the pagecheck output channel', logHit,
      logs.length ? `channels: ${logs.map((l) => `${path.basename(l.file)} (${l.text.length} chars): ${short(l.text.slice(-300), 300)}`).join('\n')}` : 'no pagecheck output channel log found');
    add('bad .pagecheck.json: the audit still runs (diagnostics republished on a C file)', b.probeRepublished && b.probeDiagnostics.length > 0,
      `audit command: ${b.audit}; probe diagnostics: ${b.probeDiagnostics.map(fmt).join('; ') || 'none'}`);
  }
  return { checks, results: r };
}

export function checkKernel(r, plan) {
  const checks = [];
  const add = (name, ok, detail, extra = {}) => checks.push({ name, ok: !!ok, detail, ...extra });
  add('pagecheck.pagecheck is installed and active', r.extension?.isActive, r.error ?? r.activateError);
  for (const s of plan.steps) {
    const res = r.steps?.[s.id];
    if (!res) { add(`${s.id}: step ran`, false, 'did not run'); continue; }
    if (s.type === 'diagnostics') {
      add(`6.1 ${s.file}: analysed without errors (${res.ms} ms to settle)`, res.ok, res.ok ? (res.diagnostics.map(fmt).join('\n') || 'no findings') : res.error, { info: true });
    } else {
      add(`6.1 ${s.file}:${s.line}: hover on is_zone_device_page() answers (${res.ms} ms)`, res.ok && res.text, res.ok ? short(res.text || '(empty)') : res.error);
    }
  }
  return { checks, results: r };
}

/**
 * pagecheck beside clangd (suite "clangd"): on a C file and on a header, both servers' diagnostics, each under its own
 * source; no PC code among clangd's; pagecheck's actions at its finding, and no action listed twice.
 */
export function checkClangd(r, plan) {
  const checks = [];
  const add = (name, ok, detail) => checks.push({ name, ok: !!ok, detail });
  add('pagecheck.pagecheck is installed and active', r.extension?.isActive, r.error ?? r.activateError);
  for (const s of plan.steps) {
    const res = r.steps?.[s.id];
    const where = `${s.file} (${res?.languageId ?? '?'})`;
    add(`${where}: step ran`, res?.ok, res?.ok ? null : res?.error?.split('\n').slice(0, 3).join('\n'));
    if (!res?.ok) continue;
    add(`${where}: pagecheck's ${s.rule} at line ${s.line}`, res.diagnostics.some((d) => d.line === s.line && d.code === s.rule), res.diagnostics.map(fmt).join('\n'));
    add(`${where}: clangd's diagnostics beside them (${res.others.length})`, res.others.length > 0, res.others.slice(0, 3).map((d) => `${d.source}: ${short(d.message, 100)}`).join('\n'));
    add(`${where}: no PC code among clangd's`, res.others.every((d) => !/^PC\d{3}$/.test(d.code ?? '')), res.others.map((d) => d.code).join(' '));
    const titles = res.actions.map((a) => a.title);
    add(`${where}: pagecheck's suppression among the actions at its finding`, titles.some((t) => new RegExp(`^Suppress ${s.rule} here`).test(t)), short(titles));
    const dup = titles.filter((t, i) => titles.indexOf(t) !== i);
    add(`${where}: no action listed twice`, !dup.length, dup.length ? short(dup) : short(titles));
    checks.push({ name: `${where}: actions at clangd's first diagnostic`, ok: true, info: true, detail: short(res.otherActions.map((a) => a.title)) || '(none)' });
  }
  return { checks, results: r };
}
