// Small helpers over tree-sitter nodes. Text always comes from the user's original buffer, never from the
// prepared copy (which has `while` where the user wrote `list_for_each_entry`).
import type { Node } from 'web-tree-sitter';
import type { Loc } from './loc';

export function nodeLoc(file: string, n: Node): Loc {
  return { file, line: n.startPosition.row, col: n.startPosition.column, endLine: n.endPosition.row, endCol: n.endPosition.column };
}

export function textOf(src: string, n: Node): string {
  return src.slice(n.startIndex, n.endIndex);
}

/** The identifier a declarator declares (`*const *name[4]` → name). */
export function declaratorName(d: Node | null): Node | null {
  let cur: Node | null = d;
  for (let guard = 0; cur && guard < 64; guard++) {
    switch (cur.type) {
      case 'identifier':
      case 'field_identifier':
        return cur;
      case 'pointer_declarator':
      case 'array_declarator':
      case 'function_declarator':
      case 'parenthesized_declarator':
      case 'init_declarator':
      case 'attributed_declarator':
        cur = cur.childForFieldName('declarator') ?? cur.namedChild(0);
        break;
      default:
        return null;
    }
  }
  return null;
}

/** The function_declarator inside a definition's declarator chain. */
export function functionDeclarator(d: Node | null): Node | null {
  let cur: Node | null = d;
  for (let guard = 0; cur && guard < 64; guard++) {
    if (cur.type === 'function_declarator') {
      // `int (*f(void))(int)`: the outermost function_declarator's inner declarator may be another one.
      const inner = cur.childForFieldName('declarator');
      if (inner && (inner.type === 'parenthesized_declarator' || inner.type === 'pointer_declarator')) {
        const deeper = functionDeclarator(inner);
        if (deeper) return deeper;
      }
      return cur;
    }
    cur = cur.childForFieldName('declarator') ?? null;
  }
  return null;
}

/** Counts pointer levels in a declarator (`**pages` → 2, `*pages[]` → 2). */
export function pointerDepth(d: Node | null): number {
  let depth = 0;
  let cur: Node | null = d;
  for (let guard = 0; cur && guard < 64; guard++) {
    if (cur.type === 'pointer_declarator' || cur.type === 'array_declarator' || cur.type === 'abstract_pointer_declarator' || cur.type === 'abstract_array_declarator') depth++;
    cur = cur.childForFieldName('declarator') ?? null;
  }
  return depth;
}

/** Iterates every descendant (pre-order) without recursion, so 10,000-deep nesting cannot overflow the stack. */
export function* descendants(root: Node): Generator<Node> {
  const cursor = root.walk();
  try {
    let depthGuard = 0;
    for (;;) {
      yield cursor.currentNode;
      if (cursor.gotoFirstChild()) { depthGuard++; continue; }
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) return;
        depthGuard--;
        if (depthGuard < 0) return;
      }
    }
  } finally {
    cursor.delete();
  }
}
