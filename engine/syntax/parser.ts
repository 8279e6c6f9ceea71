// The only module that loads web-tree-sitter. Parsing never throws: a failure yields `undefined` and the caller
// reports the file as not analysed.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Parser, Language, Tree, Node, Edit, Point, LANGUAGE_VERSION, MIN_COMPATIBLE_VERSION } from 'web-tree-sitter';
import { prepareSource, PrepareStats } from './prepare';
import type { MacroLookup } from './cpp-expr';

export type { Tree, Node };

let language: Promise<Language> | undefined;

/** The package root: the directory holding pagecheck's package.json (works from dist/ and from sources). */
export function packageRoot(): string {
  if (process.env.PAGECHECK_ROOT) return process.env.PAGECHECK_ROOT;
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const pj = path.join(dir, 'package.json');
    if (fs.existsSync(pj)) {
      try { if (JSON.parse(fs.readFileSync(pj, 'utf8')).name === 'pagecheck') return dir; } catch { /* keep looking */ }
    }
    dir = path.dirname(dir);
  }
  return path.resolve(__dirname, '..');
}

function locate(file: string, candidates: string[]): string {
  for (const c of candidates) if (fs.existsSync(c)) return c;
  throw new Error(`pagecheck: cannot find ${file} (looked in ${candidates.join(', ')}); run \`npm run build\``);
}

/** Loads the runtime and the C grammar once per thread; checks the grammar's ABI against the runtime. */
export function loadLanguage(): Promise<Language> {
  if (!language) {
    language = (async () => {
      const root = packageRoot();
      const runtimeWasm = locate('web-tree-sitter.wasm', [
        path.join(__dirname, 'web-tree-sitter.wasm'),
        path.join(root, 'dist', 'web-tree-sitter.wasm'),
        path.join(root, 'node_modules', 'web-tree-sitter', 'web-tree-sitter.wasm'),
      ]);
      await Parser.init({ locateFile: () => runtimeWasm });
      const grammar = locate('tree-sitter-c.wasm', [
        path.join(root, 'grammars', 'tree-sitter-c.wasm'),
        path.join(root, 'node_modules', 'tree-sitter-c', 'tree-sitter-c.wasm'),
      ]);
      const lang = await Language.load(grammar);
      if (lang.abiVersion < MIN_COMPATIBLE_VERSION || lang.abiVersion > LANGUAGE_VERSION) {
        throw new Error(`pagecheck: ${grammar} has tree-sitter ABI ${lang.abiVersion}; this web-tree-sitter accepts ${MIN_COMPATIBLE_VERSION}..${LANGUAGE_VERSION}`);
      }
      return lang;
    })();
  }
  return language;
}

/** Default wall-clock budget of one parse, in ms (a whole 8 MB kernel file parses in about 5 s). */
export const DEFAULT_PARSE_BUDGET_MS = 20000;

/** A parser for kernel C. One per thread; not re-entrant. */
export class CParser {
  private constructor(private readonly parser: Parser) {}

  static async create(): Promise<CParser> {
    const lang = await loadLanguage();
    const parser = new Parser();
    parser.setLanguage(lang);
    return new CParser(parser);
  }

  /** Why the last parse() returned undefined, in one line (for the caller's "skipped" reason). */
  lastFailure: string | undefined;

  /** The kernel configuration's macros (`--kconfig`): which `#if` branches and `IS_ENABLED()` tests are compiled. */
  macros: MacroLookup | undefined;

  /**
   * Prepares (macro blanking) and parses. With `old`, parses incrementally; `old` stays owned by the caller.
   * A parse that runs past `budgetMs` is abandoned (undefined, `lastFailure` says so): 8 MB of punctuation soup
   * must not hold a worker or the editor for minutes.
   */
  parse(text: string, old?: { tree: Tree; prepared: string }, stats?: PrepareStats, budgetMs = DEFAULT_PARSE_BUDGET_MS): ParsedText | undefined {
    this.lastFailure = undefined;
    const prepared = prepareSource(text, stats, this.macros);
    let oldTree: Tree | undefined;
    try {
      if (old) {
        const edit = diffEdit(old.prepared, prepared);
        if (edit) { oldTree = old.tree.copy(); oldTree.edit(edit); } else oldTree = old.tree;
      }
      const deadline = Date.now() + budgetMs;
      let timedOut = false;
      const tree = this.parser.parse(prepared, oldTree ?? null, { progressCallback: () => (timedOut = Date.now() > deadline) });
      if (!tree) {
        // A cancelled parse would be resumed by the next call (whatever its text) unless the parser is reset.
        this.parser.reset();
        this.lastFailure = timedOut ? `parsing took over ${budgetMs < 1000 ? `${budgetMs} ms` : `${Math.round(budgetMs / 1000)} s`} (budget exceeded)` : 'the parser failed on this file';
        return undefined;
      }
      return { tree, prepared };
    } catch (e) {
      try { this.parser.reset(); } catch { /* nothing more to do */ }
      this.lastFailure = `the parser failed on this file: ${String((e as Error)?.message ?? e).split('\n')[0]}`;
      return undefined;
    } finally {
      if (oldTree && oldTree !== old?.tree) oldTree.delete();
    }
  }

  delete(): void { this.parser.delete(); }
}

export interface ParsedText {
  tree: Tree;
  /** The macro-blanked text the tree was parsed from (same length as the original). */
  prepared: string;
}

/**
 * The single edit that turns `before` into `after`: common prefix and suffix kept, the middle replaced. Computed
 * on the prepared texts, so a keystroke that changes how macros are blanked elsewhere is still one exact edit.
 */
function diffEdit(before: string, after: string): Edit | undefined {
  if (before === after) return undefined;
  let start = 0;
  const minLen = Math.min(before.length, after.length);
  while (start < minLen && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let endB = before.length;
  let endA = after.length;
  while (endB > start && endA > start && before.charCodeAt(endB - 1) === after.charCodeAt(endA - 1)) { endB--; endA--; }
  return new Edit({
    startIndex: start,
    oldEndIndex: endB,
    newEndIndex: endA,
    startPosition: pointAt(before, start),
    oldEndPosition: pointAt(before, endB),
    newEndPosition: pointAt(after, endA),
  });
}

function pointAt(text: string, index: number): Point {
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) { row++; lineStart = i + 1; }
  return { row, column: index - lineStart };
}
