// Small tree helpers for the editor features' quick fixes (the analysis' own live in nodes.ts). Text always
// comes from the user's buffer: the tree was parsed from the same-length prepared copy.
import type { Node } from './parser';
import type { Loc } from './loc';

/** The node that spans exactly `loc` (of one of `types`, when given), or undefined. */
export function nodeAt(root: Node, loc: Loc, types?: readonly string[]): Node | undefined {
  let n: Node | null = root.descendantForPosition({ row: loc.line, column: loc.col }, { row: loc.endLine, column: loc.endCol });
  for (let i = 0; n && i < 64; i++, n = n.parent) {
    const exact = n.startPosition.row === loc.line && n.startPosition.column === loc.col && n.endPosition.row === loc.endLine && n.endPosition.column === loc.endCol;
    if (exact && (!types || types.includes(n.type))) return n;
    if (n.startPosition.row < loc.line || (n.startPosition.row === loc.line && n.startPosition.column < loc.col)) break;
  }
  return undefined;
}

const STATEMENTS = new Set([
  'expression_statement', 'if_statement', 'return_statement', 'declaration', 'while_statement', 'for_statement',
  'do_statement', 'switch_statement', 'goto_statement', 'break_statement', 'continue_statement', 'labeled_statement',
  'compound_statement', 'case_statement',
]);

/** The innermost statement holding `n`. */
export function statementOf(n: Node): Node | undefined {
  let cur: Node | null = n;
  for (let i = 0; cur && i < 400; i++, cur = cur.parent) if (STATEMENTS.has(cur.type)) return cur;
  return undefined;
}

/** Strips parentheses and casts. */
export function unwrap(n: Node): Node {
  let cur = n;
  for (let i = 0; i < 64; i++) {
    if (cur.type === 'parenthesized_expression' || cur.type === 'condition_clause') {
      const inner = cur.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment').pop();
      if (!inner) return cur;
      cur = inner;
    } else return cur;
  }
  return cur;
}

export function calleeName(call: Node, text: string): string | undefined {
  const f = call.childForFieldName('function');
  return f && f.type === 'identifier' ? text.slice(f.startIndex, f.endIndex) : undefined;
}

export function callArgs(call: Node): Node[] {
  const list = call.childForFieldName('arguments');
  return list ? list.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment') : [];
}

export function isJump(n: Node): boolean {
  return n.type === 'return_statement' || n.type === 'goto_statement' || n.type === 'break_statement' || n.type === 'continue_statement';
}

/** The next named sibling that is not a comment. */
export function nextStatement(n: Node): Node | undefined {
  let cur = n.nextNamedSibling;
  while (cur && cur.type === 'comment') cur = cur.nextNamedSibling;
  return cur ?? undefined;
}

/** Only declarations (and comments) come before `n` in its block. */
export function onlyDeclarationsBefore(n: Node): boolean {
  for (let cur = n.previousNamedSibling; cur; cur = cur.previousNamedSibling) {
    if (cur.type !== 'declaration' && cur.type !== 'comment') return false;
  }
  return true;
}

/** The enclosing function definition. */
export function functionOf(n: Node): Node | undefined {
  let cur: Node | null = n;
  for (let i = 0; cur && i < 400; i++, cur = cur.parent) if (cur.type === 'function_definition') return cur;
  return undefined;
}
