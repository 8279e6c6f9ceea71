// The static type of the object a call through a function-pointer field goes through (`ops->free(…)`), and of the
// object a function is stored into (`ops->free = f`): the struct tag its declaration in this function says, or
// nothing. The call graph matches a field call to the functions stored into that field of the same struct type
// (engine/analysis/callgraph.ts); an object whose type the function cannot tell is unknown and matches every type.
import type { Node } from 'web-tree-sitter';
import type { ContractTable } from '../contracts';
import { pointerDepth } from '../../syntax/nodes';
import type { Walk } from './context';
import { classifyType, VarType } from './types';

/**
 * The struct tag of `base` used with `op` (`->` or `.`): a variable (parameter or local) declared `struct T *` for
 * `->`, `struct T` for `.`, or a cast to `struct T *`. Anything else (a field of another object, a call's result,
 * a global, a typedef, an array element) is unknown.
 */
export function objectStruct(w: Walk, base: Node, op: string): string | undefined {
  let b = base;
  for (let i = 0; i < 16 && b.type === 'parenthesized_expression'; i++) {
    const inner = b.namedChildren.find((c) => c && c.type !== 'comment');
    if (!inner) return undefined;
    b = inner;
  }
  const ptr = op === '->' ? 1 : op === '.' ? 0 : -1;
  if (b.type === 'identifier') {
    // w.types holds parameters and locals only (C scoping: a local hides a global of that name).
    const t = w.types.get(w.text(b));
    return t?.struct && t.ptr === ptr ? t.struct : undefined;
  }
  if (b.type === 'cast_expression' && ptr === 1) {
    const type = b.childForFieldName('type');
    const m = type ? /^(?:\s*(?:const|volatile)\b)*\s*struct\s+([A-Za-z_]\w*)\s*\*\s*$/.exec(w.text(type)) : null;
    return m ? m[1] : undefined;
  }
  return undefined;
}

/** A parameter declared `struct T *` or `struct T` (its name node, or its declaration): its type with the tag. */
export function paramObjectType(node: Node | null, src: string, contracts: ContractTable): VarType | undefined {
  let p = node;
  for (let i = 0; p && p.type !== 'parameter_declaration' && i < 16; i++) p = p.parent;
  if (!p || p.type !== 'parameter_declaration') return undefined;
  const type = p.childForFieldName('type');
  const t = classifyType(contracts, type ? src.slice(type.startIndex, type.endIndex) : '', pointerDepth(p.childForFieldName('declarator')));
  return t.kind === 'other' && t.struct ? t : undefined;
}

/** `base->field` / `base.field`: the struct tag of base (objectStruct), read from the field expression. */
export function fieldObjectStruct(w: Walk, fieldExpr: Node): string | undefined {
  const base = fieldExpr.childForFieldName('argument');
  const op = fieldExpr.childForFieldName('operator') ?? fieldExpr.child(1);
  return base && op ? objectStruct(w, base, w.text(op)) : undefined;
}

/** The field expression a call goes through: `p->fn(…)`, `(p->fn)(…)`, `(*p->fn)(…)`; null for any other call. */
export function calledField(call: Node): Node | null {
  let f = call.childForFieldName('function');
  for (let i = 0; f && i < 16; i++) {
    if (f.type === 'field_expression') return f;
    if (f.type === 'parenthesized_expression') f = f.namedChildren.find((c) => c && c.type !== 'comment') ?? null;
    else if (f.type === 'pointer_expression' && f.child(0)?.type === '*') f = f.childForFieldName('argument');
    else return null;
  }
  return null;
}

/**
 * What an initializer list initializes, as far as the declaration says: `self` for a `struct T` object (its
 * designated fields are T's), `elem` for an array of them (each element list is a T). Absent: unknown.
 */
export interface ListType { self?: string; elem?: string }

/** The tag of `struct T` (or `struct T { … }`) as a declaration's or a type descriptor's type; a typedef is unknown. */
export function structTag(type: Node | null, text: string): string | undefined {
  if (!type || type.type !== 'struct_specifier') return undefined;
  const name = type.childForFieldName('name');
  return name ? text.slice(name.startIndex, name.endIndex) : undefined;
}

/** `T x = {…}` → self T; `T x[] = {…}` → elem T; anything else (a pointer, an array of arrays) → unknown. */
export function declaredListType(declarator: Node | null, tag: string | undefined): ListType {
  if (!tag || !declarator) return {};
  if (declarator.type === 'identifier') return { self: tag };
  if (declarator.type === 'array_declarator' && declarator.childForFieldName('declarator')?.type === 'identifier') return { elem: tag };
  return {};
}

/** `(struct T){…}` → self T, `(struct T[]){…}` → elem T. */
export function literalListType(typeDescriptor: Node | null, text: string): ListType {
  const tag = structTag(typeDescriptor?.childForFieldName('type') ?? null, text);
  const d = typeDescriptor?.childForFieldName('declarator');
  if (!tag) return {};
  if (!d) return { self: tag };
  return d.type === 'abstract_array_declarator' && !d.childForFieldName('declarator') ? { elem: tag } : {};
}

/** The struct a pair `.field = value` of a list of type `lt` stores into: T for one field designator, else unknown. */
export function pairStruct(pair: Node, lt: ListType): string | undefined {
  const ds = pair.childrenForFieldName('designator');
  return ds.length === 1 && (ds[0]?.type === 'field_designator' || ds[0]?.type === 'field_identifier') ? lt.self : undefined;
}

/** The type of the list a pair's value is: an array element (`[i] = {…}`) of an array of T is a T; else unknown. */
export function pairListType(pair: Node, lt: ListType): ListType {
  const ds = pair.childrenForFieldName('designator');
  return ds.length === 1 && (ds[0]?.type === 'subscript_designator' || ds[0]?.type === 'subscript_range_designator') ? { self: lt.elem } : {};
}
