// Tree shapes the walk reads: names of lvalues and callees, parentheses and casts, argument lists. Stateless: the
// source text is passed in (the tree was parsed from the same-length prepared copy, so offsets are the buffer's).
import type { Node } from 'web-tree-sitter';
import { textOf } from '../../syntax/nodes';

/** Longest lvalue path `lvalueKey()` names (`a->b->c` counts 3). */
const MAX_KEY_DEPTH = 32;

/** A stable name for an lvalue: `page`, `vmf->page`, `pvmw.page`, `*pagep`. */
export function lvalueKey(src: string, n: Node, depth = 0): string | undefined {
  // Bounded: a 10,000-long `a->b->c…` or `****p` chain is not a name worth tracking (and must not overflow).
  if (depth > MAX_KEY_DEPTH) return undefined;
  const u = unwrap(n);
  if (u.type === 'identifier') return textOf(src, u);
  if (u.type === 'field_expression') {
    const base = u.childForFieldName('argument');
    const field = u.childForFieldName('field');
    const op = u.child(1);
    const bk = base ? lvalueKey(src, base, depth + 1) : undefined;
    return bk && field ? `${bk}${op ? textOf(src, op) : '->'}${textOf(src, field)}` : undefined;
  }
  if (u.type === 'pointer_expression' && u.child(0)?.type === '*') {
    const a = u.childForFieldName('argument');
    const k = a ? lvalueKey(src, a, depth + 1) : undefined;
    return k ? `*${k}` : undefined;
  }
  return undefined;
}

/** The called name: `f` for `f(…)`, `.field` for a call through a function-pointer field (`ops->fn(…)`, `(*ops->fn)(…)`). */
export function calleeName(src: string, call: Node): string | undefined {
  const f = call.childForFieldName('function');
  if (!f) return undefined;
  if (f.type === 'identifier') return textOf(src, f);
  if (f.type === 'field_expression') {
    const field = f.childForFieldName('field');
    return field ? `.${textOf(src, field)}` : undefined;
  }
  if (f.type === 'parenthesized_expression') {
    const inner = unwrap(f);
    if (inner.type === 'pointer_expression') {
      const a = inner.childForFieldName('argument');
      if (a && a.type === 'field_expression') { const fld = a.childForFieldName('field'); return fld ? `.${textOf(src, fld)}` : undefined; }
    }
    if (inner.type === 'field_expression') { const fld = inner.childForFieldName('field'); return fld ? `.${textOf(src, fld)}` : undefined; }
  }
  return undefined;
}

/** Strips parentheses and casts. */
export function unwrap(n: Node): Node {
  let cur = n;
  for (let i = 0; i < 64; i++) {
    if (cur.type === 'parenthesized_expression' || cur.type === 'cast_expression') {
      const inner = cur.childForFieldName('value') ?? cur.namedChildren.filter((c) => c && isExpression(c.type)).pop();
      if (!inner) return cur;
      cur = inner;
    } else return cur;
  }
  return cur;
}

/** Strips parentheses, casts and one `&`. */
export function stripAddr(n: Node): Node {
  const u = unwrap(n);
  if (u.type === 'pointer_expression' && u.child(0)?.type === '&') return u.childForFieldName('argument') ?? u;
  return u;
}

export function argNodes(call: Node): Node[] {
  const list = call.childForFieldName('arguments');
  if (!list) return [];
  return list.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
}

/** Text with its whitespace dropped: the key of a pfn expression that is not an lvalue (`pfn + i`). */
export function normalize(s: string): string {
  return s.replace(/\s+/g, '');
}

const EXPRESSION_TYPES = new Set([
  'identifier', 'field_expression', 'call_expression', 'assignment_expression', 'binary_expression',
  'unary_expression', 'update_expression', 'pointer_expression', 'subscript_expression', 'cast_expression',
  'parenthesized_expression', 'conditional_expression', 'comma_expression', 'sizeof_expression',
  'compound_literal_expression', 'initializer_list', 'string_literal', 'concatenated_string', 'number_literal',
  'char_literal', 'true', 'false', 'null', 'alignof_expression', 'offsetof_expression', 'generic_expression',
  'gnu_asm_expression', 'extension_expression',
]);

export function isExpression(type: string): boolean {
  return EXPRESSION_TYPES.has(type);
}
