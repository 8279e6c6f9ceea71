// The core driven in process, no client: one workspace folder, buffers opened from disk (or given text), and what
// the core publishes kept per URI. `pagecheck --check` (server/check/) and the features' tests run on it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { CParser } from '../../engine';
import { Core } from './core';
import { quietHost } from './host';
import type { Snapshot } from './snapshot';
import type { FileDiagnostics } from './types';
import type { StatusParams } from '../protocol/extensions';

export interface HeadlessOptions {
  /** The `pagecheck` settings section (defaults otherwise). */
  settings?: unknown;
  /** Every line the server logs. */
  log?: (line: string) => void;
}

export class Headless {
  readonly published = new Map<string, FileDiagnostics>();
  readonly logs: string[] = [];
  status: StatusParams | undefined;
  private readonly docs = new Map<string, TextDocument>();

  private constructor(readonly root: string, readonly core: Core, private readonly parser: CParser) {}

  /** A core on the folder `root`, initialized (its index starts). */
  static async start(root: string, o: HeadlessOptions = {}): Promise<Headless> {
    const parser = await CParser.create();
    let self: Headless | undefined;
    const host = quietHost((l) => { self?.logs.push(l); o.log?.(l); }, (d) => self?.published.set(d.uri, d));
    host.status = (s) => { if (self) self.status = s; };
    const core = new Core(host, parser, { folders: [{ uri: pathToFileURL(path.resolve(root)).href }], trusted: true, settings: o.settings });
    self = new Headless(path.resolve(root), core, parser);
    core.initialized();
    return self;
  }

  uri(file: string): string {
    return pathToFileURL(path.resolve(this.root, file)).href;
  }

  /** Opens `file` (relative to the root, or absolute) as a buffer holding `text` (default: the file on disk). */
  open(file: string, text?: string, languageId = file.endsWith('.h') ? 'cpp' : 'c'): string {
    const uri = this.uri(file);
    const doc = TextDocument.create(uri, languageId, 1, text ?? fs.readFileSync(path.resolve(this.root, file), 'utf8'));
    this.docs.set(uri, doc);
    this.core.didOpen(doc);
    return uri;
  }

  /** Replaces the whole text of an open buffer. */
  edit(uri: string, text: string): void {
    const doc = this.docs.get(uri);
    if (!doc) throw new Error(`${uri} is not open`);
    TextDocument.update(doc, [{ text }], doc.version + 1);
    this.core.didChange(doc);
  }

  close(uri: string): void {
    this.docs.delete(uri);
    this.core.didClose(uri);
  }

  /** Resolves once indexing, analysis and publishing are done. */
  settled(): Promise<void> {
    return this.core.settled();
  }

  snapshot(uri: string): Snapshot | undefined {
    return this.core.snapshotNow(uri);
  }

  dispose(): void {
    this.core.dispose();
    this.parser.delete();
  }
}
