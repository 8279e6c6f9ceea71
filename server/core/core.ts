// The language server's core: the settings, the project configuration, the open documents, the workspace index and
// the derived Program, and when to analyse, publish, index and report. It knows no protocol: the LSP connection
// (server/protocol/) or a test or `pagecheck --check` (server/check/) drives it through a CoreHost; the features
// (server/features/) answer requests from a Snapshot it hands out.
//
// Architecture Invariant: the open files come first. An edit after a pause is analysed at once, edits in a burst are
// debounced (30 ms), and any newer input supersedes a run; the index runs in a thread of its own and starts once the
// open files are analysed; nothing waits for the index.
import { AuditResult, CParser, ContractTable, FileFacts, Finding, Program, contractTable } from '../../engine';
import { functionKey } from '../../engine';
import { DEFAULT_MAX_FILE_BYTES } from '../../engine';
import { configScopeFor, contractsOlderThan, findKernelVersion, kernelFeaturesFor, newerTreeNote } from '../../engine';
import type { ConfigScope } from '../../engine';
import { IdleCollector } from './gc';
import { CONFIG_FILE, ProjectConfig, configErrorLines, configNotes, loadProjectConfig } from './config';
import { OpenDocument, OpenDocuments } from './documents';
import type { CoreHost } from './host';
import { WorkspaceIndex, indexable, yieldToEventLoop } from './workspace-index';
import { Indexer, IndexerHost } from './indexer';
import { Folder, Paths, uriToPath } from './paths';
import { ProgramCache, auditInSlices } from './program';
import { RunToken, Scheduler } from './scheduler';
import { isUnsafe, statusOf, unsafeCount } from './status';
import { DEFAULT_SETTINGS, Settings, indexKey, readSettings } from './settings';
import type { StatusParams } from '../protocol/extensions';
import type { FileDiagnostics, TextBuffer } from './types';
import type { FileChange, Snapshot, WorkspaceAudit } from './snapshot';

const ANALYSIS_DELAY_MS = 30;
/** An edit this soon after the previous one is part of a burst: debounced. Later ones are analysed at once. */
const BURST_GAP_MS = ANALYSIS_DELAY_MS;
/** Background completion of findings-first documents works in slices of about this long. */
const COMPLETION_SLICE_MS = 30;
const STATUS_DELAY_MS = 1000;
/** While indexing, the open files are republished this often (their callers are being indexed). */
const REPUBLISH_WHILE_INDEXING_MS = 1000;
/** The index does not start a file within this long after a keystroke: typing bursts are served first. */
const TYPING_PAUSE_MS = 250;
/** An index on demand parses what edited buffers newly need once typing pauses this long. */
const WIDEN_DELAY_MS = 300;
/** Files changed on disk re-plan the index after this quiet period (a checkout changes many): only they are read again. */
const DISK_CHANGE_DELAY_MS = 1000;
/** A hover waits at most this long for an index on demand to parse what it explains. */
const FOCUS_WAIT_MS = 3000;
/** A full garbage collection when edits pause this long (server/core/gc.ts). */
const IDLE_GC_MS = 2000;
/** PAGECHECK_TIMING=1: log how long each analysis step takes (for the benchmark). */
const TIMING = !!process.env.PAGECHECK_TIMING;

/** What the core starts with (LSP: from `initialize`). */
export interface CoreInit {
  folders: Array<{ uri: string; name?: string }>;
  /** false in an untrusted workspace: `.pagecheck.json` contracts are ignored. */
  trusted: boolean;
  /** The `pagecheck` settings section, when the client gives it up front. */
  settings?: unknown;
}

export class Core {
  private readonly paths = new Paths();
  private readonly docs: OpenDocuments;
  private readonly index: WorkspaceIndex;
  private readonly programs: ProgramCache;
  private readonly analysis: Scheduler;
  private readonly status: Scheduler;
  /** Parse what the open buffers newly need (an index on demand); re-plan after changes on disk. */
  private readonly widening: Scheduler;
  private readonly diskChanges: Scheduler;
  /** A full garbage collection once edits pause (server/core/gc.ts). */
  private readonly idleGc = new IdleCollector(IDLE_GC_MS);
  /** Index on demand: functions whose hover was planned for (functionKey → text hash); reset by every index run. */
  private readonly focused = new Map<string, string>();
  /** Open files that changed on disk while open (re-planned when they close). */
  private readonly changedWhileOpen = new Set<string>();
  private readonly trusted: boolean;
  private settings: Settings = { ...DEFAULT_SETTINGS };
  private project: ProjectConfig = { folders: [], contracts: [], severity: {} };
  private contracts: ContractTable;
  private kernelVersion: string | undefined;
  /** What the kernel tree itself says where a contract boundary's release is uncertain (engine treeFeatures). */
  private kernelFeatures: Record<string, boolean> | undefined;
  /** Which memmap reads can be hazards, from the tree's Kconfig (read on the first memmap question). */
  private configScope: ConfigScope | undefined;
  private readonly indexer: Indexer;
  private indexed = { done: 0, total: 0 };
  private lastEditAt = 0;
  private lastStatus: StatusParams | undefined;
  private lastStatusSent = 0;
  private workspaceUnsafe: number | undefined;
  /** Unsafe findings in what was last published (the status bar counts what the Problems panel lists). */
  private shownUnsafe: number | undefined;
  /** After pagecheck/auditWorkspace: publish every indexed file's findings, not only the open files'. */
  private workspaceMode = false;
  /** URIs that currently show pagecheck diagnostics from the audit (so they can be cleared). */
  private published = new Set<string>();
  private configPublished = new Set<string>();
  private disposed = false;
  private timing: string[] = [];
  /** The index run started last (settled() waits for it). */
  private lastIndexRun: Promise<void> = Promise.resolve();

  constructor(private readonly host: CoreHost, parser: CParser, init: CoreInit) {
    this.trusted = init.trusted;
    if (init.settings !== undefined) this.settings = this.readSettings(init.settings);
    this.paths.setFolders(init.folders);
    this.docs = new OpenDocuments(parser);
    this.index = new WorkspaceIndex();
    this.programs = new ProgramCache(this.index, this.docs);
    this.indexer = new Indexer(host, this.index, this.indexerHost());
    this.contracts = contractTable();
    this.analysis = new Scheduler(ANALYSIS_DELAY_MS, (t) => this.analyse(t), (e) => this.logError('analysis', e));
    this.status = new Scheduler(STATUS_DELAY_MS, (t) => this.refreshStatus(t), (e) => this.logError('status', e));
    this.widening = new Scheduler(WIDEN_DELAY_MS, () => this.indexer.widen(), (e) => this.logError('index', e));
    this.diskChanges = new Scheduler(DISK_CHANGE_DELAY_MS, () => { void this.startIndexing('files changed on disk'); }, (e) => this.logError('index', e));
  }

  // ---------------------------------------------------------------------------------------------- lifecycle

  /** The settings are known (pulled by the protocol, or given up front): read the configuration, start indexing. */
  initialized(): void {
    this.loadConfig();
    this.log(`pagecheck language server: ${this.paths.roots().map((f) => f.fsPath).join(', ') || 'no workspace folder'}; `
      + `kernel contracts ${this.kernelVersion ?? 'for every version'}${this.trusted ? '' : '; untrusted workspace: .pagecheck.json contracts ignored'}`);
    // A tree newer than the contract table: said once per session.
    const newest = contractsOlderThan(this.kernelVersion);
    if (newest) this.host.warn(newerTreeNote(this.kernelVersion!, newest));
    this.startIndexing('initial index');
  }

  dispose(): void {
    this.disposed = true;
    this.analysis.dispose();
    this.status.dispose();
    this.widening.dispose();
    this.diskChanges.dispose();
    this.idleGc.dispose();
    void this.indexer.dispose();
    this.docs.dispose();
  }

  /** The workspace folders changed: every name may change, so everything is configured and indexed again. */
  setFolders(folders: Array<{ uri: string; name?: string }>): void {
    this.paths.setFolders(folders);
    this.reconfigure('workspace folders changed');
  }

  roots(): readonly Folder[] {
    return this.paths.roots();
  }

  /** Verdict lenses are wanted (pagecheck.showVerdicts, and pagecheck enabled). */
  get showVerdicts(): boolean {
    return this.settings.enable && this.settings.showVerdicts;
  }

  /** A file name (`mm/memory.c`) → the URI the client knows it by. */
  uriOf(name: string): string {
    return this.paths.uriOf(name);
  }

  // ---------------------------------------------------------------------------------------------- documents

  didOpen(doc: TextBuffer): void {
    if (!isC(doc)) return;
    this.docs.open(doc, this.paths.nameOf(doc.uri));
    // The open file first: analyse now, whatever the index is doing.
    this.analysis.poke(0);
  }

  didChange(doc: TextBuffer): void {
    if (!this.docs.changed(doc)) return;
    // A keystroke after a pause is analysed at once; one inside a burst waits for the burst to end (a run in
    // progress is superseded either way).
    const now = Date.now();
    const burst = now - this.lastEditAt < BURST_GAP_MS;
    this.lastEditAt = now;
    this.analysis.poke(burst ? ANALYSIS_DELAY_MS : 0);
  }

  didClose(uri: string): void {
    const d = this.docs.close(uri);
    if (!d) return;
    this.publish({ uri, findings: [], notes: [] });
    this.published.delete(uri);
    // Back to the file on disk: its callers and callees elsewhere see the saved text again. The index holds what
    // the file on disk needed; a file saved while open is re-planned.
    if (this.changedWhileOpen.delete(d.name)) this.diskChanges.poke();
    this.analysis.poke();
  }

  // ---------------------------------------------------------------------------------------------- analysis

  /** Refreshes every stale open document now (requests must answer for the current text). */
  private ensureFresh(): void {
    for (const d of this.docs.stale()) this.docs.refresh(d, this.contracts, this.maxFileSize());
  }

  private async analyse(token: RunToken): Promise<void> {
    if (!this.settings.enable || this.disposed) return;
    const stale = this.docs.outdated();
    // Findings first pays only while the other files are few to plan over (documents.ts).
    let context = 0;
    if (stale.length) for (const f of this.programs.files()) context += f.functions.length;
    for (const [i, d] of stale.entries()) {
      // A keystroke that arrived meanwhile supersedes this run. None is looked at after the last document: its
      // result is published for the version it describes (the buffer cannot change while this code runs), and
      // nothing else queued (the index listing the tree) gets in before the diagnostics.
      if (i > 0) {
        await yieldToEventLoop();
        if (token.cancelled) return;
      }
      const t0 = TIMING ? performance.now() : 0;
      const complete = this.docs.update(d, this.contracts, this.maxFileSize(), context - (d.facts?.functions.length ?? 0));
      if (TIMING) this.timing.push(`refresh ${d.name} ${(performance.now() - t0).toFixed(1)} (parse ${this.docs.lastParseMs.toFixed(1)}${complete ? '' : `, ${d.partial?.progress.done} of ${d.partial?.progress.total} functions`})`);
    }
    // Findings first: what the findings need of the partial documents, given every other file (engine/demand/focus.ts).
    const tf = TIMING ? performance.now() : 0;
    const focused = this.docs.focus(this.programs.files(), this.contracts, (e) => this.logError('findings first', e));
    if (TIMING && focused) this.timing.push(`focus ${(performance.now() - tf).toFixed(1)} (${focused.rounds} rounds, ${this.docs.partials().map((d) => `${d.partial!.progress.done} of ${d.partial!.progress.total}`).join(', ') || 'complete'})`);
    const t1 = TIMING ? performance.now() : 0;
    if (TIMING) { this.programs.get(); this.timing.push(`program ${(performance.now() - t1).toFixed(1)}`); }
    this.publishFindings();
    if (TIMING) { this.log(`timing: ${this.timing.join(', ')}, program+audit+publish ${(performance.now() - t1).toFixed(1)} ms`); this.timing = []; }
    // The rest of the partial documents' functions, in the background (hover, code actions want them).
    if (this.docs.partials().length) this.completion.poke(0);
    // The workspace count follows edits, once typing pauses; an index on demand parses what the edits need.
    if (stale.length) {
      this.status.poke();
      this.idleGc.poke();
      if (this.indexer.onDemand) this.widening.poke();
    }
  }

  /** Background completion of partial documents: slices of COMPLETION_SLICE_MS, yielding to the event loop. */
  private readonly completion = new Scheduler(0, (t) => this.completeFacts(t), (e) => this.logError('completion', e));

  private async completeFacts(token: RunToken): Promise<void> {
    const t0 = TIMING ? performance.now() : 0;
    let slices = 0;
    for (;;) {
      await yieldToEventLoop();
      if (token.cancelled || this.disposed || !this.settings.enable) return;
      const d = this.docs.partials()[0];
      if (!d) return;
      slices++;
      if (!this.docs.completeSlice(d, performance.now() + COMPLETION_SLICE_MS)) continue;
      if (TIMING) this.log(`timing: completed ${d.name} in ${slices} slices, ${(performance.now() - t0).toFixed(1)} ms`);
      // Republish (the not-analysed hints of the other functions), unless a newer text is on its way: its analysis
      // publishes.
      if (!this.analysis.busy && this.docs.outdated().length === 0) this.publishFindings();
    }
  }

  private auditOptions(onlyFiles?: ReadonlySet<string>) {
    return { onlyFiles, severity: { ...this.project.severity, ...this.settings.severity }, config: this.configScope };
  }

  /** While the index is still filling in, "no callers in the indexed tree" is not known yet: no PC005. */
  private shown(f: Finding): boolean {
    return !f.suppressed && !(f.rule === 'PC005' && this.settling());
  }

  /** The index may still add callers: it is running, or an index on demand has an edit's needs to parse. */
  private settling(): boolean {
    return this.indexer.running || this.indexer.widening || this.widening.busy;
  }

  private publishFindings(): void {
    const open = this.docs.all();
    const names = new Set(open.map((d) => d.name));
    const result = this.programs.audit(this.auditOptions(this.workspaceMode ? undefined : names));
    const byFile = new Map<string, Finding[]>();
    for (const f of result.findings) {
      if (!this.shown(f)) continue;
      const list = byFile.get(f.loc.file) ?? [];
      list.push(f);
      byFile.set(f.loc.file, list);
    }
    let unsafe = 0;
    for (const list of byFile.values()) for (const f of list) if (isUnsafe(f)) unsafe++;
    if (unsafe !== this.shownUnsafe) {
      this.shownUnsafe = unsafe;
      // The count shows once the workspace's is known too (before that the status says "starting" or "indexing").
      if (this.workspaceUnsafe !== undefined) this.sendStatus(true);
    }
    const now = new Set<string>();
    for (const d of open) {
      this.publish({ uri: d.uri, version: d.version, findings: byFile.get(d.name) ?? [], facts: d.facts, notes: [] });
      now.add(d.uri);
    }
    if (this.workspaceMode) {
      for (const [name, findings] of byFile) {
        if (names.has(name)) continue;
        const uri = this.paths.uriOf(name);
        this.publish({ uri, findings, notes: [] });
        now.add(uri);
      }
    }
    for (const uri of this.published) if (!now.has(uri)) this.publish({ uri, findings: [], notes: [] });
    this.published = now;
    // Verdicts shown elsewhere (lenses, the report view) may have changed with them.
    this.host.verdictsChanged?.();
  }

  private publish(d: FileDiagnostics): void {
    if (this.disposed) return;
    this.host.publish(d);
  }

  private clearAll(): void {
    for (const uri of this.published) this.publish({ uri, findings: [], notes: [] });
    for (const d of this.docs.all()) this.publish({ uri: d.uri, findings: [], notes: [] });
    this.published.clear();
  }

  // ---------------------------------------------------------------------------------------------- requests

  /**
   * What a feature needs to answer a request on `uri` (server/core/snapshot.ts), every stale open file brought up to
   * date first; undefined for a file that is not open (or when pagecheck is disabled). With `focus`, an index on
   * demand first parses what a hover on that line explains (at most FOCUS_WAIT_MS).
   */
  async snapshot(uri: string, focus?: { line: number }): Promise<Snapshot | undefined> {
    let d = this.docs.get(uri);
    if (!d || !this.settings.enable) return undefined;
    this.ensureFresh();
    if (focus && this.indexer.onDemand) {
      await this.focusOn(d, focus);
      d = this.docs.get(uri);
      if (!d) return undefined;
      this.ensureFresh();
    }
    return this.snapshotOf(d);
  }

  /** The snapshot of an open file now, without waiting for the index (code actions answer at once). */
  snapshotNow(uri: string): Snapshot | undefined {
    const d = this.docs.get(uri);
    if (!d || !this.settings.enable) return undefined;
    this.ensureFresh();
    return this.snapshotOf(d);
  }

  private snapshotOf(d: OpenDocument): Snapshot {
    const program = this.programs.get();
    return {
      doc: d, program, contracts: this.contracts, findings: this.fileFindings(program, d),
      shown: (f) => this.shown(f), uriOf: (n) => this.paths.uriOf(n),
    };
  }

  /**
   * An index on demand parsed what the verdicts need, not everything a hover explains (where a parameter with no
   * ZONE_DEVICE test comes from, caller by caller): have the hovered function's page-variable uses planned too,
   * waiting at most FOCUS_WAIT_MS. Once per function text.
   */
  private async focusOn(d: OpenDocument, pos: { line: number }): Promise<void> {
    const fn = d.facts?.functions.find((f) => f.loc.line <= pos.line && pos.line <= f.loc.endLine);
    if (!fn) return;
    const key = functionKey(d.name, fn);
    if (this.focused.get(key) === fn.hash) return;
    const done = this.indexer.widen([key]).then(() => { this.focused.set(key, fn.hash); });
    await Promise.race([done.catch(() => undefined), new Promise((r) => setTimeout(r, FOCUS_WAIT_MS))]);
  }

  private fileFindings(program: Program, d: OpenDocument): Finding[] {
    return program.audit(this.auditOptions(new Set([d.name]))).findings;
  }

  /** The whole workspace audited (after indexing it again when `reindex`), for the report and pagecheck/auditWorkspace. */
  async workspaceAudit(opts: { reindex?: string; publishAll?: boolean } = {}): Promise<WorkspaceAudit | undefined> {
    if (!this.settings.enable) return undefined;
    const t0 = Date.now();
    if (opts.reindex) await this.startIndexing(opts.reindex);
    this.ensureFresh();
    const result = await this.auditWorkspace();
    if (opts.publishAll) {
      // From now on every indexed file's findings are published, not only the open files'.
      this.workspaceMode = true;
      this.publishFindings();
      this.workspaceUnsafe = unsafeCount(result);
      this.sendStatus(true);
    }
    return {
      result, files: this.indexedFiles(), truncated: this.index.truncated, indexing: this.indexer.running, kernelVersion: this.kernelVersion,
      ms: Date.now() - t0, shownUnsafe: this.workspaceMode ? unsafeCount(result) : this.shownUnsafe ?? 0, workspaceMode: this.workspaceMode,
    };
  }

  /** The whole tree (no PC005 while the index is still filling in). */
  private auditWorkspace(token?: RunToken): Promise<AuditResult> {
    return auditInSlices(this.programs.get(), this.auditOptions(), (f) => !(f.rule === 'PC005' && this.settling()), () => !!token?.cancelled);
  }

  // ---------------------------------------------------------------------------------------------- index

  private startIndexing(reason: string): Promise<void> {
    if (!this.settings.enable) { this.indexer.cancel(); return Promise.resolve(); }
    this.focused.clear();
    this.lastIndexRun = this.indexer.start(reason).catch((e) => this.logError('index', e));
    return this.lastIndexRun;
  }

  /**
   * Resolves once nothing is pending: the index run, what the open buffers need of an index on demand, and the
   * analyses and publications they trigger (tests and `pagecheck --check` read the results after this). The status
   * bar's count follows a second later (STATUS_DELAY_MS).
   */
  async settled(): Promise<void> {
    for (;;) {
      await this.lastIndexRun;
      await this.widening.idle();
      await this.indexer.widen().catch(() => undefined);
      await this.analysis.idle();
      await this.completion.idle();
      if (!this.indexer.running && !this.settling() && !this.analysis.busy && !this.completion.busy) return;
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  private indexerHost(): IndexerHost {
    let lastPublish = 0;
    return {
      folders: () => this.paths.prefixed().map((f) => ({ fsPath: f.fsPath, prefix: f.prefix, ignore: this.ignoreFor(f) })),
      maxFiles: () => this.settings.maxFiles,
      yieldTo: () => this.openFilesFirst(),
      treeOptions: () => ({
        root: this.paths.roots()[0]?.fsPath ?? process.cwd(),
        extra: this.trusted ? this.project.contracts : [],
        kernelVersion: this.kernelVersion,
        kernelFeatures: this.kernelFeatures,
        maxBytes: this.maxFileSize(),
      }),
      overlay: () => {
        const out = new Map<string, FileFacts>();
        for (const d of this.docs.all()) {
          // Whole files: the planner never parses an overlay file, so a findings-first (partial) one is completed.
          if (!d.complete) this.docs.refresh(d, this.contracts, this.maxFileSize());
          if (d.facts && !d.facts.skipped) out.set(d.name, d.facts);
        }
        return out;
      },
      widened: (line) => {
        this.log(line);
        this.analysis.poke(0);
        this.status.poke();
      },
      progress: (done, total) => {
        this.indexed = { done, total };
        this.sendStatus(done === 0);
        // Verdicts in the open files improve as their callers are indexed: republish now and then.
        const now = Date.now();
        if (now - lastPublish >= REPUBLISH_WHILE_INDEXING_MS) { lastPublish = now; this.analysis.poke(0); }
      },
      finished: (line) => {
        this.log(line);
        this.analysis.poke(0);
        this.status.poke(0);
        // An index run leaves its garbage (file texts, scan buffers) behind: collect it once things settle.
        this.idleGc.poke();
      },
    };
  }

  /** Resolves when the open files have nothing pending and the user is not in the middle of typing. */
  private async openFilesFirst(): Promise<void> {
    for (;;) {
      await this.analysis.idle();
      const wait = this.lastEditAt + TYPING_PAUSE_MS - Date.now();
      if (wait <= 0 || this.disposed) return;
      await new Promise((r) => setTimeout(r, wait));
    }
  }

  filesChanged(changes: readonly FileChange[]): void {
    let configChanged = false;
    let changed = false;
    // The index re-plans (from its cache: only the changed files are read again); a buffer is authoritative while
    // its file is open.
    for (const c of changes) {
      const fsPath = uriToPath(c.uri);
      if (!fsPath) continue;
      const where = this.paths.locate(fsPath);
      if (!where) continue;
      if (where.rel === CONFIG_FILE) { configChanged = true; continue; }
      if (!indexable(where.rel, this.ignoreFor(where.folder))) continue;
      const name = this.paths.nameOfPath(fsPath);
      if (this.docs.byName(name)) this.changedWhileOpen.add(name);
      else changed = true;
    }
    if (configChanged) this.reconfigure(`${CONFIG_FILE} changed`);
    else if (changed) this.diskChanges.poke();
  }

  // ---------------------------------------------------------------------------------------------- settings, config

  /** The settings changed: `raw` is the new `pagecheck` section (undefined: the client did not say, keep them). */
  configure(raw: unknown): void {
    const before = indexKey(this.settings);
    if (raw !== undefined) this.settings = this.readSettings(raw);
    if (!this.settings.enable) {
      this.indexer.cancel();
      this.clearAll();
      this.sendStatus(true);
      this.host.verdictsChanged?.();
      return;
    }
    if (indexKey(this.settings) !== before) this.startIndexing('settings changed');
    this.host.verdictsChanged?.();
    this.analysis.poke(0);
    this.status.poke();
  }

  /** Settings read before initialized() (no re-index: nothing is indexed yet). */
  presetSettings(raw: unknown): void {
    this.settings = this.readSettings(raw);
  }

  private readSettings(raw: unknown): Settings {
    const problems: string[] = [];
    const s = readSettings(raw, problems);
    for (const p of problems) this.host.warn(`settings: ${p}`);
    return s;
  }

  /** Reads `.pagecheck.json` files; publishes their errors; rebuilds the contract table when it changed. */
  private loadConfig(): boolean {
    const before = JSON.stringify([this.project.contracts, this.project.folders.map((f) => f.config.ignore), this.project.maxFileSize, this.kernelVersion, this.kernelFeatures]);
    this.project = loadProjectConfig(this.paths.roots(), this.trusted);
    this.kernelVersion = this.paths.roots().map((f) => findKernelVersion(f.fsPath)?.version).find(Boolean);
    const kernelRoot = this.paths.roots().find((f) => findKernelVersion(f.fsPath))?.fsPath;
    this.kernelFeatures = kernelRoot ? kernelFeaturesFor(kernelRoot) : undefined;
    this.configScope = kernelRoot ? configScopeFor(kernelRoot) : undefined;
    const seen = new Set<string>();
    for (const fc of this.project.folders) {
      const notes = configNotes(fc);
      for (const line of configErrorLines(fc)) this.host.error(`${fc.file}: ${line}`);
      if (!this.trusted && fc.config.contracts.length) this.log(`${fc.file}: ${fc.config.contracts.length} contract(s) ignored: the workspace is not trusted`);
      if (notes.length || this.configPublished.has(fc.uri)) this.publish({ uri: fc.uri, findings: [], notes });
      if (notes.length) seen.add(fc.uri);
    }
    this.configPublished = seen;
    const after = JSON.stringify([this.project.contracts, this.project.folders.map((f) => f.config.ignore), this.project.maxFileSize, this.kernelVersion, this.kernelFeatures]);
    this.contracts = contractTable(this.project.contracts, this.kernelVersion, this.kernelFeatures);
    return before !== after;
  }

  private reconfigure(reason: string): void {
    if (this.loadConfig()) {
      // New contracts (or what is indexed changed): every summary is recomputed.
      this.docs.invalidateFacts();
      this.index.clear();
      this.startIndexing(reason);
    }
    this.analysis.poke(0);
    this.status.poke();
  }

  private ignoreFor(folder: Folder): string[] {
    const fc = this.project.folders.find((f) => f.folder.uri === folder.uri);
    return [...this.settings.ignore, ...(fc?.config.ignore ?? [])];
  }

  private maxFileSize(): number {
    return this.settings.maxFileSize ?? this.project.maxFileSize ?? DEFAULT_MAX_FILE_BYTES;
  }

  // ---------------------------------------------------------------------------------------------- status

  private async refreshStatus(token: RunToken): Promise<void> {
    if (!this.settings.enable || this.indexer.running) { this.sendStatus(true); return; }
    const result = await this.auditWorkspace(token);
    if (token.cancelled) return;
    this.workspaceUnsafe = unsafeCount(result);
    this.sendStatus(true);
  }

  /** Files of the workspace the index covers (an index on demand reads every file, parses what is needed). */
  private indexedFiles(): number {
    return this.indexer.treeFiles || this.programs.files().length;
  }

  private sendStatus(force = false): void {
    const now = Date.now();
    if (!force && now - this.lastStatusSent < 100) return;
    const s = statusOf({
      enabled: this.settings.enable, indexing: this.indexer.running, ...this.indexed, shown: this.shownUnsafe, workspace: this.workspaceUnsafe,
      workspaceMode: this.workspaceMode,
      files: this.indexedFiles(), truncated: this.index.truncated,
    });
    if (!force && this.lastStatus && JSON.stringify(this.lastStatus) === JSON.stringify(s)) return;
    this.lastStatus = s;
    this.lastStatusSent = now;
    this.host.status(s);
  }

  // ---------------------------------------------------------------------------------------------- logging

  private log(msg: string): void {
    this.host.log(msg);
  }

  private logError(what: string, e: unknown): void {
    this.host.error(`${what}: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
  }
}

function isC(doc: TextBuffer): boolean {
  return doc.languageId === 'c' || /\.[ch]$/i.test(doc.uri);
}
