// The API-level editor suite: runs inside a real extension host (code-server's, or desktop VS Code's via
// test/editor/electron-runner.js), drives pagecheck through the public `vscode` API only, and records what it
// observed in a JSON results file. It asserts nothing: scripts/editor-test/assertions.mjs does, so the
// expected values live in one place (scripts/editor-test/run.mjs).
//
// Plan (JSON, written by the runner): { folder, results, source, extensionId, timeouts, steps: [...] };
// lines and columns in the plan and in the results are 1-based, paths relative to `folder`.
'use strict';
const vscode = require('vscode');
const fs = require('fs');
const path = require('path');

const SEVERITY = ['error', 'warning', 'information', 'hint'];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function withTimeout(what, thenable, ms) {
  let timer;
  try {
    return await Promise.race([
      Promise.resolve(thenable),
      new Promise((_, rej) => { timer = setTimeout(() => rej(new Error(`timed out after ${ms} ms: ${what}`)), ms); }),
    ]);
  } finally { clearTimeout(timer); }
}

async function poll(what, fn, ms, every = 100) {
  const t0 = Date.now();
  let last;
  while (Date.now() - t0 < ms) {
    last = await fn();
    if (last) return last;
    await sleep(every);
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}

function makeContext(plan) {
  const folder = plan.folder;
  const source = plan.source || 'pagecheck';
  const uriOf = (rel) => vscode.Uri.file(path.join(folder, rel));
  const relOf = (uri) => (uri.scheme === 'file' ? path.relative(folder, uri.fsPath).split(path.sep).join('/') : uri.toString());
  const codeOf = (d) => (d.code == null ? null : typeof d.code === 'object' ? String(d.code.value) : String(d.code));
  const ser = (d) => ({
    code: codeOf(d),
    href: d.code && typeof d.code === 'object' && d.code.target ? d.code.target.toString() : null,
    line: d.range.start.line + 1, column: d.range.start.character + 1,
    endLine: d.range.end.line + 1, endColumn: d.range.end.character + 1,
    severity: SEVERITY[d.severity] ?? String(d.severity),
    message: d.message, source: d.source ?? null,
    tags: d.tags ?? [],
    related: (d.relatedInformation ?? []).map((r) => ({ file: relOf(r.location.uri), line: r.location.range.start.line + 1, message: r.message })),
  });
  const pcDiags = (uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === source);
  const allPc = () => vscode.languages.getDiagnostics()
    .map(([uri, ds]) => [relOf(uri), ds.filter((d) => d.source === source)])
    .filter(([, ds]) => ds.length)
    .map(([file, ds]) => ({ file, count: ds.length, codes: [...new Set(ds.map(codeOf))].sort() }))
    .sort((a, b) => a.file.localeCompare(b.file));
  // Waits until pagecheck's diagnostics for uri satisfy pred, then until they are stable for quietMs.
  async function settled(uri, { pred = (ds) => ds.length > 0, timeoutMs, quietMs = 700 }) {
    await poll(`pagecheck diagnostics on ${relOf(uri)}`, () => pred(pcDiags(uri)), timeoutMs);
    let last = JSON.stringify(pcDiags(uri).map(ser));
    let since = Date.now();
    const t0 = Date.now();
    while (Date.now() - since < quietMs && Date.now() - t0 < timeoutMs) {
      await sleep(100);
      const now = JSON.stringify(pcDiags(uri).map(ser));
      if (now !== last) { last = now; since = Date.now(); }
    }
    return pcDiags(uri);
  }
  const hoverText = (hovers) => (hovers ?? [])
    .flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value ?? '')))
    .filter((s) => s.trim()).join('\n\n---\n\n');
  async function hoverAt(uri, line, character, ms) {
    const hovers = await withTimeout('vscode.executeHoverProvider', vscode.commands.executeCommand(
      'vscode.executeHoverProvider', uri, new vscode.Position(line - 1, character - 1)), ms);
    return hoverText(hovers);
  }
  const tabs = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => ({
    label: t.label,
    input: inputKind(t.input),
    viewType: t.input && t.input.viewType ? t.input.viewType : null,
    uri: t.input && t.input.uri ? t.input.uri.toString() : null,
    active: t.isActive,
  })));
  const editEntries = (edit) => {
    if (!edit) return [];
    const pos = (r) => ({ line: r.start.line + 1, column: r.start.character + 1, endLine: r.end.line + 1, endColumn: r.end.character + 1 });
    const out = edit.entries().map(([uri, edits]) => ({ file: relOf(uri), edits: edits.map((e) => ({ ...pos(e.range), newText: e.newText })) }));
    // Snippet edits (the suppression's tab stop) are not in entries(): VS Code's internal _allEntries() has them
    // (test code only).
    const all = typeof edit._allEntries === 'function' ? edit._allEntries() : [];
    for (const e of all) {
      if (!e || !e.uri || !e.edit || !e.edit.snippet) continue;
      out.push({ file: relOf(e.uri), edits: [{ ...pos(e.edit.range), newText: e.edit.snippet.value, snippet: true }] });
    }
    return out;
  };
  return { folder, source, uriOf, relOf, codeOf, ser, pcDiags, allPc, settled, hoverAt, tabs, editEntries };
}

function inputKind(i) {
  if (!i) return null;
  for (const k of ['TabInputText', 'TabInputTextDiff', 'TabInputCustom', 'TabInputWebview', 'TabInputNotebook', 'TabInputTerminal']) {
    if (vscode[k] && i instanceof vscode[k]) return k.replace('TabInput', '').toLowerCase();
  }
  return 'other';
}

function lineShift(line0, edits) {
  // New 0-based line of `line0` after `edits` (TextEdit[] of the same document) are applied.
  let delta = 0;
  for (const e of edits) {
    const r = e.range;
    if (r.end.line < line0 || (r.end.line === line0 && r.end.character === 0)) {
      delta += (e.newText.match(/\n/g) || []).length - (r.end.line - r.start.line);
    }
  }
  return line0 + delta;
}

const STEPS = {
  async diagnostics(cx, step, T) {
    const uri = cx.uriOf(step.file);
    const doc = await vscode.workspace.openTextDocument(uri);
    if (step.show) await vscode.window.showTextDocument(doc, { preview: false });
    const ds = await cx.settled(uri, { timeoutMs: step.timeoutMs ?? T.firstDiagnostics, pred: step.expectSome === false ? () => true : undefined });
    return { file: step.file, diagnostics: ds.map(cx.ser) };
  },

  async hover(cx, step, T) {
    const uri = cx.uriOf(step.file);
    await vscode.workspace.openTextDocument(uri);
    // The server may answer hovers only once the file is analysed: retry until there is text.
    let text = '';
    const t0 = Date.now();
    while (!text && Date.now() - t0 < T.step) {
      text = await cx.hoverAt(uri, step.line, step.character, T.step);
      if (!text) await sleep(250);
    }
    return { file: step.file, line: step.line, character: step.character, text };
  },

  // A header with a finding: VS Code labels .h files `cpp`; pagecheck must squiggle, hover and fix them all the same.
  async header(cx, step, T) {
    const uri = cx.uriOf(step.file);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: false });
    const ds = await cx.settled(uri, { timeoutMs: T.firstDiagnostics });
    let hover = '';
    const t0 = Date.now();
    while (!hover && Date.now() - t0 < T.step) {
      hover = await cx.hoverAt(uri, step.line, step.character, T.step);
      if (!hover) await sleep(250);
    }
    const diag = ds.find((d) => d.range.start.line + 1 === step.line);
    const actions = diag ? (await withTimeout('vscode.executeCodeActionProvider', vscode.commands.executeCommand(
      'vscode.executeCodeActionProvider', uri, diag.range, undefined, 20), T.step)) ?? [] : [];
    return { file: step.file, languageId: doc.languageId, diagnostics: ds.map(cx.ser), hover, actions: actions.map((a) => a.title) };
  },

  // pagecheck beside another C language server (clangd): both publish on the same file, each under its own source;
  // the actions at pagecheck's finding are listed once each, next to whatever the other server offers.
  async companion(cx, step, T) {
    const uri = cx.uriOf(step.file);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: false });
    const ds = await cx.settled(uri, { timeoutMs: T.firstDiagnostics });
    const othersOf = () => vscode.languages.getDiagnostics(uri).filter((d) => d.source !== cx.source);
    const others = await poll(`diagnostics of the other server on ${step.file}`, () => (othersOf().length ? othersOf() : null), T.firstDiagnostics);
    const diag = ds.find((d) => d.range.start.line + 1 === step.line && cx.codeOf(d) === step.rule);
    const ask = async (range) => ((await withTimeout('vscode.executeCodeActionProvider', vscode.commands.executeCommand(
      'vscode.executeCodeActionProvider', uri, range, undefined, 50), T.step)) ?? [])
      .map((a) => ({ title: a.title, kind: a.kind ? a.kind.value : null, codes: (a.diagnostics ?? []).map((d) => cx.codeOf(d)), sources: (a.diagnostics ?? []).map((d) => d.source ?? null) }));
    return {
      file: step.file, languageId: doc.languageId, diagnostics: ds.map(cx.ser), others: others.map(cx.ser),
      actions: diag ? await ask(diag.range) : [], otherActions: await ask(others[0].range),
    };
  },

  // Verdict lenses: every ZONE_DEVICE test's verdict above it; running a lens's command opens what decides it.
  async lenses(cx, step, T) {
    const uri = cx.uriOf(step.file);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: false });
    await cx.settled(uri, { timeoutMs: T.firstDiagnostics, pred: () => true });
    const read = async () => ((await withTimeout('vscode.executeCodeLensProvider', vscode.commands.executeCommand('vscode.executeCodeLensProvider', uri, 100), T.step)) ?? [])
      .map((l) => ({ line: l.range.start.line + 1, title: l.command ? l.command.title : null, command: l.command ? l.command.command : null, arguments: l.command ? l.command.arguments ?? [] : [] }));
    // The index may still be deciding: wait until the lens on the safe test is there.
    let lenses = [];
    const t0 = Date.now();
    while (Date.now() - t0 < T.step) {
      lenses = await read();
      if (lenses.some((l) => l.line === step.safeLine && /^safe/.test(l.title ?? ''))) break;
      await sleep(300);
    }
    const safe = lenses.find((l) => l.line === step.safeLine);
    let opened = null;
    if (safe && safe.command) {
      const t1 = Date.now();
      await withTimeout(safe.command, vscode.commands.executeCommand(safe.command, ...safe.arguments), T.step);
      try {
        await poll('the lens to open its target', () => {
          const ed = vscode.window.activeTextEditor;
          return ed && ed.selection.start.line + 1 === step.targetLine;
        }, T.step);
      } catch {}
      const ed = vscode.window.activeTextEditor;
      opened = ed ? { file: cx.relOf(ed.document.uri), line: ed.selection.start.line + 1, text: ed.document.lineAt(ed.selection.start.line).text.trim(), ms: Date.now() - t1 } : null;
    }
    return { file: step.file, lenses: lenses.map(({ arguments: _a, ...l }) => l), opened };
  },

  async codeActions(cx, step, T) {
    const uri = cx.uriOf(step.file);
    await vscode.workspace.openTextDocument(uri);
    const diag = cx.pcDiags(uri).find((d) => d.range.start.line + 1 === step.line && (!step.rule || cx.codeOf(d) === step.rule));
    if (!diag) throw new Error(`no ${step.rule ?? 'pagecheck'} diagnostic on ${step.file}:${step.line} to ask code actions for; have: ${JSON.stringify(cx.pcDiags(uri).map(cx.ser).map((d) => `${d.code}@${d.line}`))}`);
    const actions = await withTimeout('vscode.executeCodeActionProvider', vscode.commands.executeCommand(
      'vscode.executeCodeActionProvider', uri, diag.range, undefined, 20), T.step);
    return {
      diagnostic: cx.ser(diag),
      actions: (actions ?? []).map((a) => (typeof a.command === 'string'
        ? { title: a.title, kind: null, isCommand: true, command: a.command }
        : {
          title: a.title, kind: a.kind ? a.kind.value : null, isPreferred: !!a.isPreferred,
          diagnostics: (a.diagnostics ?? []).map((d) => `${cx.codeOf(d)}@${d.range.start.line + 1}`),
          command: a.command ? a.command.command : null,
          edit: cx.editEntries(a.edit),
        })),
    };
  },

  async applyFix(cx, step, T) {
    const uri = cx.uriOf(step.file);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: false });
    const diag = cx.pcDiags(uri).find((d) => d.range.start.line + 1 === step.line && (!step.rule || cx.codeOf(d) === step.rule));
    if (!diag) throw new Error(`no ${step.rule} diagnostic on ${step.file}:${step.line} to fix`);
    const actions = (await withTimeout('vscode.executeCodeActionProvider', vscode.commands.executeCommand(
      'vscode.executeCodeActionProvider', uri, diag.range, vscode.CodeActionKind.QuickFix.value, 20), T.step)) ?? [];
    const fixes = actions.filter((a) => typeof a.command !== 'string' && a.edit && a.kind && vscode.CodeActionKind.QuickFix.contains(a.kind)
      && (!step.titleMatch || new RegExp(step.titleMatch, 'i').test(a.title)));
    const fix = fixes.find((a) => a.isPreferred) ?? fixes[0];
    if (!fix) throw new Error(`no quickfix with an edit for ${step.rule} on line ${step.line}; actions: ${JSON.stringify(actions.map((a) => a.title))}`);
    const myEdits = fix.edit.entries().filter(([u]) => u.toString() === uri.toString()).flatMap(([, es]) => es);
    const newLine0 = lineShift(diag.range.start.line, myEdits);
    const before = cx.pcDiags(uri).map(cx.ser);
    const original = doc.getText();
    const t0 = Date.now();
    const applied = await withTimeout('workspace.applyEdit', vscode.workspace.applyEdit(fix.edit), T.step);
    if (fix.command) await withTimeout(fix.command.command, vscode.commands.executeCommand(fix.command.command, ...(fix.command.arguments ?? [])), T.step);
    const stillThere = () => cx.pcDiags(uri).some((d) => d.range.start.line === newLine0 && cx.codeOf(d) === step.rule && d.severity !== vscode.DiagnosticSeverity.Hint);
    let gone = false;
    try { await poll('the fixed diagnostic to disappear', () => !stillThere(), T.fixGone); gone = true; } catch {}
    const goneMs = Date.now() - t0;
    await sleep(300);
    const after = cx.pcDiags(uri).map(cx.ser);
    const lineTextAfter = doc.lineAt(Math.min(newLine0, doc.lineCount - 1)).text;
    // Put the file back (later steps probe it) and check that the finding returns.
    const undo = new vscode.WorkspaceEdit();
    undo.replace(uri, new vscode.Range(0, 0, doc.lineCount, 0), original);
    await vscode.workspace.applyEdit(undo);
    let restored = false;
    try {
      await poll('the finding to come back after undoing the fix', () => cx.pcDiags(uri).some((d) => d.range.start.line === diag.range.start.line && cx.codeOf(d) === step.rule), T.fixGone);
      restored = true;
    } catch {}
    if (doc.isDirty) await doc.save();
    return {
      title: fix.title, applied, edit: cx.editEntries(fix.edit),
      trackedLine: newLine0 + 1, gone, goneMs, lineTextAfter, before, after, restored,
    };
  },

  async crossFile(cx, step, T) {
    const tUri = cx.uriOf(step.target.file);
    const cUri = cx.uriOf(step.caller.file);
    await vscode.workspace.openTextDocument(tUri);
    const cDoc = await vscode.workspace.openTextDocument(cUri);
    const snap = async () => {
      const ds = cx.pcDiags(tUri).filter((d) => d.range.start.line + 1 === step.target.line).map((d) => ({ code: cx.codeOf(d), severity: SEVERITY[d.severity], message: d.message }));
      let hover = '';
      try { hover = await cx.hoverAt(tUri, step.target.line, step.target.character, 5000); } catch (e) { hover = `hover error: ${e.message}`; }
      return { diagnostics: ds, hover };
    };
    // Ready when the target test has been judged: a diagnostic on its line or a hover about it.
    const before = await poll('pagecheck to judge the target test (diagnostic or hover)', async () => {
      const s = await snap();
      return (s.diagnostics.length || (s.hover && !s.hover.startsWith('hover error'))) ? s : null;
    }, T.firstDiagnostics, 500);
    await sleep(T.quiet ?? 1000);
    const base = await snap();
    const range = new vscode.Range(step.caller.line - 1, step.caller.character - 1, step.caller.line - 1, step.caller.character - 1 + step.caller.find.length);
    const found = cDoc.getText(range);
    if (found !== step.caller.find) throw new Error(`caller text at ${step.caller.file}:${step.caller.line}:${step.caller.character} is ${JSON.stringify(found)}, expected ${JSON.stringify(step.caller.find)}`);
    const edit = new vscode.WorkspaceEdit();
    edit.replace(cUri, range, step.caller.replace);
    const t0 = Date.now();
    await vscode.workspace.applyEdit(edit);
    // Wait for both views of the verdict to move: the diagnostics on the target line and the hover.
    const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
    let diagMs = null, hoverMs = null, after = base;
    const watch = async (ms) => {
      const t1 = Date.now();
      while (Date.now() - t1 < ms && (diagMs == null || hoverMs == null)) {
        await sleep(250);
        after = await snap();
        if (diagMs == null && !same(after.diagnostics, base.diagnostics)) diagMs = Date.now() - t0;
        if (hoverMs == null && !same(after.hover, base.hover)) hoverMs = Date.now() - t0;
      }
    };
    await watch(T.crossFile);
    const changedBeforeSave = diagMs != null && hoverMs != null;
    let saved = false;
    if (!changedBeforeSave) {
      saved = await cDoc.save();
      await watch(T.crossFile);
    }
    await sleep(500);
    after = await snap();
    return {
      callerEdit: { file: step.caller.file, line: step.caller.line, from: step.caller.find, to: step.caller.replace },
      firstJudged: before, before: base, after,
      diagnosticsChanged: diagMs != null, hoverChanged: hoverMs != null, diagMs, hoverMs,
      changedBeforeSave, savedCaller: saved, ms: Date.now() - t0,
    };
  },

  async commands(cx, step, T) {
    const all = await vscode.commands.getCommands(true);
    const probe = cx.uriOf(step.probeFile);
    const out = {};
    for (const id of step.commands) {
      const r = { registered: all.includes(id) };
      out[id] = r;
      if (!r.registered) continue;
      const tabsBefore = cx.tabs();
      let cleared = false;
      const sub = vscode.languages.onDidChangeDiagnostics((e) => {
        if (e.uris.some((u) => u.toString() === probe.toString()) && cx.pcDiags(probe).length === 0) cleared = true;
      });
      const t0 = Date.now();
      try {
        const res = await withTimeout(id, vscode.commands.executeCommand(id), T.command);
        r.ok = true;
        r.result = res === undefined ? null : (() => { try { return JSON.parse(JSON.stringify(res)); } catch { return String(res); } })();
      } catch (e) {
        r.ok = false; r.error = String(e && e.message || e);
      }
      r.ms = Date.now() - t0;
      if (id.endsWith('.auditWorkspace')) {
        // Let the audit publish, then record which files carry pagecheck diagnostics.
        let last = '', since = Date.now();
        const t1 = Date.now();
        while (Date.now() - since < 1500 && Date.now() - t1 < T.command) {
          await sleep(200);
          const now = JSON.stringify(cx.allPc());
          if (now !== last) { last = now; since = Date.now(); }
        }
        r.filesWithDiagnostics = cx.allPc();
      } else if (id.endsWith('.openReportDocument')) {
        await sleep(500);
        try {
          await poll('a report view', () => JSON.stringify(cx.tabs()) !== JSON.stringify(tabsBefore), 10000);
        } catch {}
        await sleep(500);
        r.newTabs = cx.tabs().filter((t) => !tabsBefore.some((b) => b.label === t.label && b.uri === t.uri && b.viewType === t.viewType));
        const ed = vscode.window.activeTextEditor;
        r.activeEditor = ed ? { uri: ed.document.uri.toString(), languageId: ed.document.languageId, text: ed.document.getText().slice(0, 4000) } : null;
        r.reportDocuments = vscode.workspace.textDocuments
          .filter((d) => d.uri.scheme !== 'file' && d.uri.scheme !== 'git' && !d.uri.toString().startsWith('output:'))
          .map((d) => ({ uri: d.uri.toString(), languageId: d.languageId, text: d.getText().slice(0, 4000) }));
      } else if (id.endsWith('.restartServer')) {
        try {
          await poll('diagnostics after the restart', () => cx.pcDiags(probe).length > 0, T.firstDiagnostics);
          r.diagnosticsAfter = cx.pcDiags(probe).length;
          const hoverStep = step.hoverAfterRestart;
          if (hoverStep) r.hoverAfter = await cx.hoverAt(cx.uriOf(hoverStep.file), hoverStep.line, hoverStep.character, T.step);
        } catch (e) { r.afterError = String(e.message); }
        r.clearedDuringRestart = cleared;
        r.recoveredMs = Date.now() - t0;
      }
      sub.dispose();
    }
    return out;
  },

  async badConfig(cx, step, T) {
    const cfg = cx.uriOf(step.file);
    const probe = cx.uriOf(step.probeFile);
    const probeDoc = await vscode.workspace.openTextDocument(probe);
    await vscode.workspace.fs.writeFile(cfg, Buffer.from(step.text, 'utf8'));
    const t0 = Date.now();
    const cfgDiags = () => vscode.languages.getDiagnostics(cfg).filter((d) => d.source === cx.source);
    let neededOpen = false;
    let ds = [];
    try { ds = await poll('a diagnostic on the bad config', () => cfgDiags().length && cfgDiags(), T.config / 2); } catch {}
    if (!ds.length) {
      neededOpen = true;
      await vscode.workspace.openTextDocument(cfg);
      try { ds = await poll('a diagnostic on the bad config (opened)', () => cfgDiags().length && cfgDiags(), T.config / 2); } catch {}
    }
    const configDiagMs = Date.now() - t0;
    // The audit must go on with the bad config: run it, then touch the probe file and wait for a republish.
    let audit = null;
    if ((await vscode.commands.getCommands(true)).includes(step.auditCommand)) {
      try { await withTimeout(step.auditCommand, vscode.commands.executeCommand(step.auditCommand), T.command); audit = 'ok'; } catch (e) { audit = String(e.message); }
    }
    let republished = false;
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === probe.toString()) && cx.pcDiags(probe).length) republished = true;
    });
    const edit = new vscode.WorkspaceEdit();
    const end = probeDoc.lineAt(probeDoc.lineCount - 1).range.end;
    edit.insert(probe, end, '\n');
    await vscode.workspace.applyEdit(edit);
    try { await poll('diagnostics republished on the probe file', () => republished, T.step); } catch {}
    sub.dispose();
    return {
      configDiagnostics: ds.map(cx.ser), neededOpen, configDiagMs, audit,
      probeRepublished: republished, probeDiagnostics: cx.pcDiags(probe).map(cx.ser),
    };
  },
};

async function runPlan(plan, meta = {}) {
  const T = Object.assign({ firstDiagnostics: 60000, step: 20000, fixGone: 20000, crossFile: 15000, command: 60000, config: 20000 }, plan.timeouts);
  const cx = makeContext(plan);
  const results = {
    startedAt: new Date().toISOString(), planVia: meta.planVia ?? null,
    vscodeVersion: vscode.version, appName: vscode.env.appName, appHost: vscode.env.appHost,
    extension: null, steps: {}, done: false,
  };
  const write = () => {
    fs.writeFileSync(plan.results + '.tmp', JSON.stringify(results, null, 2));
    fs.renameSync(plan.results + '.tmp', plan.results);
  };
  const t0 = Date.now();
  const ext = vscode.extensions.getExtension(plan.extensionId);
  results.extension = ext ? {
    id: ext.id, version: ext.packageJSON.version, isActive: ext.isActive,
    commands: (ext.packageJSON.contributes?.commands ?? []).map((c) => ({ command: c.command, title: c.title, category: c.category })),
    settings: Object.keys([].concat(ext.packageJSON.contributes?.configuration ?? []).reduce((o, c) => Object.assign(o, c.properties ?? {}), {})),
  } : null;
  write();
  if (!ext) { results.error = `extension ${plan.extensionId} is not installed`; results.done = true; write(); return results; }
  try { await withTimeout(`activating ${plan.extensionId}`, ext.activate(), T.firstDiagnostics); results.extension.isActive = ext.isActive; } catch (e) { results.activateError = String(e && e.message || e); }
  write();
  for (const step of plan.steps) {
    const s0 = Date.now();
    try {
      const data = await withTimeout(`step ${step.id}`, STEPS[step.type](cx, step, T), step.timeoutMs ?? T.stepTotal ?? 120000);
      results.steps[step.id] = { ok: true, ms: Date.now() - s0, ...data };
    } catch (e) {
      results.steps[step.id] = { ok: false, ms: Date.now() - s0, error: String(e && e.stack || e) };
    }
    write();
  }
  results.allDiagnostics = cx.allPc();
  results.totalMs = Date.now() - t0;
  results.done = true;
  write();
  return results;
}

module.exports = { runPlan, lineShift };
