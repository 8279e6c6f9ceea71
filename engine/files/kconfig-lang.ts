// The Kconfig language, read far enough to answer "can this symbol be enabled on this architecture?": symbols
// with their types, prompts, dependencies (`depends on`, enclosing `if`/`menu`/`choice`), defaults and selects,
// and the `source` lines that tie the files together. Everything else (help text, comments, menus' titles,
// `imply`, ranges) is skipped. Expressions the reader cannot decide (string comparisons, `$(…)` macros) stay
// undecided, never guessed.

export type KExpr =
  | { k: 'sym'; name: string }
  | { k: 'const'; v: 'y' | 'n' | 'm' }
  | { k: 'unknown' } // a string, a number, a macro, a comparison the reader does not decide
  | { k: 'not'; e: KExpr }
  | { k: 'and' | 'or'; a: KExpr; b: KExpr };

export interface KDefault {
  value: KExpr;
  cond?: KExpr;
}

export interface KSelect {
  name: string;
  cond?: KExpr;
}

/** One `config`/`menuconfig` block (a symbol may have several, in several files). */
export interface KEntry {
  name: string;
  file: string;
  /** 1-based line of `config NAME`. */
  line: number;
  type?: 'bool' | 'tristate' | 'string' | 'int' | 'hex';
  /** The user can set it: a prompt, with its `if` condition (undefined: unconditional). */
  prompt?: { cond?: KExpr };
  /** Its own `depends on` lines and those of the enclosing `if`, `menu` and `choice` blocks. */
  deps: KExpr[];
  defaults: KDefault[];
  selects: KSelect[];
  /** Member of a `choice` (`file:line` of the choice): at most one member of a bool choice is on. */
  choice?: string;
}

export interface KSource {
  /** As written, macros included: `arch/$(SRCARCH)/Kconfig`. */
  path: string;
  line: number;
  optional: boolean;
  /** `rsource`: relative to the sourcing file's directory. */
  relative: boolean;
}

export interface KFile {
  entries: KEntry[];
  sources: KSource[];
}

const Y: KExpr = { k: 'const', v: 'y' };

/** Reads one Kconfig file. Never throws: a line it does not understand is skipped. */
export function parseKconfigSource(text: string, file: string): KFile {
  const out: KFile = { entries: [], sources: [] };
  const lines = text.split('\n');
  // Block dependencies: one frame per open `if`, `menu` or `choice`.
  const blocks: Array<{ kind: 'if' | 'menu' | 'choice'; deps: KExpr[]; line: number }> = [];
  let entry: KEntry | undefined;
  // The item that `depends on` attaches to: the current entry, or the menu/choice that was just opened.
  let attach: KExpr[] | undefined;
  const blockDeps = () => blocks.flatMap((b) => b.deps);
  for (let i = 0; i < lines.length; i++) {
    const line = i + 1;
    let raw = lines[i];
    // A continued line is one line (rare: checked on the line's last character only).
    while (raw.length && (raw.endsWith('\\') || raw.endsWith('\\\r')) && i + 1 < lines.length) raw = raw.replace(/\\\r?$/, ' ') + lines[++i];
    const body = (raw.includes('#') ? stripComment(raw) : raw).trim();
    if (!body) continue;
    const sp = body.search(/\s/);
    const word = sp < 0 ? body : body.slice(0, sp);
    const rest = sp < 0 ? '' : body.slice(sp + 1).trimStart();
    switch (word) {
      case 'config':
      case 'menuconfig': {
        entry = { name: rest.trim(), file, line, deps: blockDeps(), defaults: [], selects: [] };
        const inner = blocks[blocks.length - 1];
        if (inner?.kind === 'choice') { entry.type = 'bool'; entry.choice = `${file}:${inner.line}`; }
        out.entries.push(entry);
        attach = entry.deps;
        break;
      }
      case 'choice':
        entry = undefined;
        blocks.push({ kind: 'choice', deps: [], line });
        attach = blocks[blocks.length - 1].deps;
        break;
      case 'endchoice':
      case 'endmenu':
      case 'endif':
        entry = undefined;
        attach = undefined;
        blocks.pop();
        break;
      case 'menu':
        entry = undefined;
        blocks.push({ kind: 'menu', deps: [], line });
        attach = blocks[blocks.length - 1].deps;
        break;
      case 'if':
        entry = undefined;
        attach = undefined;
        blocks.push({ kind: 'if', deps: [parseExpr(rest)], line });
        break;
      case 'comment':
      case 'mainmenu':
        entry = undefined;
        attach = undefined; // a comment's `depends on` belongs to the comment
        break;
      case 'source':
      case 'rsource':
      case 'osource':
      case 'orsource': {
        entry = undefined;
        attach = undefined;
        const m = /^"([^"]*)"/.exec(rest.trim());
        if (m) out.sources.push({ path: m[1], line, optional: word.startsWith('o'), relative: word.endsWith('rsource') });
        break;
      }
      case 'help':
      case '---help---':
        i = skipHelp(lines, i);
        break;
      case 'depends': {
        const m = /^on\s+(.*)$/.exec(rest.trim());
        if (m && attach) attach.push(parseExpr(m[1]));
        break;
      }
      case 'bool':
      case 'boolean':
      case 'tristate':
      case 'string':
      case 'int':
      case 'hex':
        if (entry) {
          entry.type = word === 'boolean' ? 'bool' : word;
          const p = promptOf(rest);
          if (p) entry.prompt = p;
        }
        break;
      case 'prompt':
        if (entry) entry.prompt = promptOf(rest) ?? {};
        break;
      case 'def_bool':
      case 'def_tristate':
        if (entry) {
          entry.type = word === 'def_bool' ? 'bool' : 'tristate';
          entry.defaults.push(valueWithCond(rest));
        }
        break;
      case 'default':
        if (entry) entry.defaults.push(valueWithCond(rest));
        break;
      case 'select': {
        if (!entry) break;
        const v = valueWithCond(rest);
        if (v.value.k === 'sym') entry.selects.push({ name: v.value.name, cond: v.cond });
        break;
      }
      default:
        break; // imply, range, option, modules, visible if, transitional …
    }
  }
  return out;
}

/** `"64-bit kernel" if X86`: a prompt and its condition (undefined when there is no prompt string). */
function promptOf(rest: string): { cond?: KExpr } | undefined {
  const m = /^\s*"(?:[^"\\]|\\.)*"\s*(?:if\s+(.*))?$/.exec(rest) ?? /^\s*'(?:[^'\\]|\\.)*'\s*(?:if\s+(.*))?$/.exec(rest);
  if (!m) return undefined;
  return m[1] ? { cond: parseExpr(m[1]) } : {};
}

function valueWithCond(rest: string): KDefault {
  const toks = tokenize(rest);
  const at = toks.indexOf('if');
  if (at < 0) return { value: parseTokens(toks) };
  return { value: parseTokens(toks.slice(0, at)), cond: parseTokens(toks.slice(at + 1)) };
}

/** `#` starts a comment outside a quoted string. */
function stripComment(s: string): string {
  let q = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (q) { if (c === '\\') i++; else if (c === q) q = ''; } else if (c === '"' || c === "'") q = c;
    else if (c === '#') return s.slice(0, i);
  }
  return s;
}

function indentOf(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 32) n++; else if (c === 9) n = (Math.floor(n / 8) + 1) * 8; else break;
  }
  return n;
}

/** Help text: every following line indented at least as deep as its first non-blank line (blank lines included). */
function skipHelp(lines: readonly string[], at: number): number {
  const helpIndent = indentOf(lines[at]);
  let i = at + 1;
  while (i < lines.length && isBlank(lines[i])) i++;
  if (i >= lines.length) return i - 1;
  const depth = indentOf(lines[i]);
  if (depth <= helpIndent) return at; // an empty help
  for (; i < lines.length; i++) {
    const t = lines[i];
    if (!isBlank(t) && indentOf(t) < depth) break;
  }
  return i - 1;
}

function isBlank(s: string): boolean {
  for (let i = 0; i < s.length; i++) { const c = s.charCodeAt(i); if (c !== 32 && c !== 9 && c !== 13) return false; }
  return true;
}

// ---------------------------------------------------------------- expressions

export function parseExpr(s: string): KExpr {
  return parseTokens(tokenize(s));
}

function tokenize(s: string): string[] {
  const toks: string[] = [];
  const re = /\s*(\$\((?:[^()]|\([^()]*\))*\)|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|&&|\|\||!=|<=|>=|[!()=<>]|[A-Za-z0-9_.\-+]+|\S)/y;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) && m[1]) toks.push(m[1]);
  return toks;
}

function parseTokens(toks: string[]): KExpr {
  let pos = 0;
  const peek = () => toks[pos];
  const or = (): KExpr => {
    let a = and();
    while (peek() === '||') { pos++; a = { k: 'or', a, b: and() }; }
    return a;
  };
  const and = (): KExpr => {
    let a = unary();
    while (peek() === '&&') { pos++; a = { k: 'and', a, b: unary() }; }
    return a;
  };
  const unary = (): KExpr => {
    if (peek() === '!') { pos++; return { k: 'not', e: unary() }; }
    return comparison();
  };
  const comparison = (): KExpr => {
    const left = primary();
    const op = peek();
    if (op === '=' || op === '!=' || op === '<' || op === '>' || op === '<=' || op === '>=') {
      pos++;
      const right = primary();
      return compare(op, left, right);
    }
    return left;
  };
  const primary = (): KExpr => {
    const t = toks[pos++];
    if (t === undefined) return { k: 'unknown' };
    if (t === '(') {
      const e = or();
      if (peek() === ')') pos++;
      return e;
    }
    return atom(t);
  };
  if (toks.length === 0) return Y;
  return or();
}

function atom(t: string): KExpr {
  if (t === 'y' || t === 'n' || t === 'm') return { k: 'const', v: t };
  if (t === '"y"' || t === '"n"' || t === '"m"') return { k: 'const', v: t[1] as 'y' | 'n' | 'm' };
  if (/^[A-Za-z0-9_]+$/.test(t) && /[A-Za-z_]/.test(t) && !/^0x[0-9a-fA-F]+$/.test(t)) return { k: 'sym', name: t };
  return { k: 'unknown' };
}

/** `X = y`, `X != n` … on tristate values; anything else (strings, numbers, macros) stays undecided. */
function compare(op: string, a: KExpr, b: KExpr): KExpr {
  if (op !== '=' && op !== '!=') return { k: 'unknown' };
  const [sym, c] = a.k === 'const' ? [b, a] : [a, b];
  if (sym.k !== 'sym' || c.k !== 'const') return { k: 'unknown' };
  // X = y, X = m, X != n: X enabled (m counts: the code exists); X = n: X disabled; X != y, X != m: undecided.
  if (op === '=') return c.v === 'n' ? { k: 'not', e: sym } : sym;
  return c.v === 'n' ? sym : { k: 'unknown' };
}
