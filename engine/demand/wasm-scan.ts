// engine/demand/scan.ts's scanner compiled by hand to WebAssembly: the same algorithm, step for step (scanTokens is the
// reference, test/plan.test.ts compares the two on real files). Reading every identifier of a 1.2 GB tree is the
// one job in the demand-driven audit that touches every byte; plain JavaScript does it at ~250 MB/s per core,
// this at several times that. The module is assembled at load time from the listing below (no build step, no
// binary blob in the repository).
import { FileTokens, NOT_ATTRIBUTE, NOT_TYPE, RELEVANT_NEXT, SYSCALL_MACROS, identHash } from './scan';

// ---------------------------------------------------------------- a minimal assembler

const OP = {
  block: 0x02, loop: 0x03, if: 0x04, else: 0x05, end: 0x0b, br: 0x0c, brIf: 0x0d, return: 0x0f, call: 0x10,
  localGet: 0x20, localSet: 0x21, localTee: 0x22, load: 0x28, load8u: 0x2d, store: 0x36, const: 0x41,
  eqz: 0x45, eq: 0x46, ne: 0x47, ltU: 0x49, gtU: 0x4b, geU: 0x4f, ltS: 0x48, gtS: 0x4a,
  add: 0x6a, sub: 0x6b, mul: 0x6c, and: 0x71, or: 0x72, xor: 0x73, shl: 0x74, shrU: 0x76,
} as const;

function uleb(v: number): number[] {
  const out: number[] = [];
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
}

function sleb(v: number): number[] {
  v |= 0;
  const out: number[] = [];
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) { out.push(b); return out; }
    out.push(b | 0x80);
  }
}

class Fn {
  readonly code: number[] = [];
  private readonly names = new Map<string, number>();
  private readonly labels: Array<string | undefined> = [];
  private nLocals = 0;

  constructor(params: string[], locals: string[]) {
    for (const p of params) this.names.set(p, this.names.size);
    for (const l of locals) this.names.set(l, this.names.size);
    this.nLocals = locals.length;
  }

  private idx(name: string): number {
    const i = this.names.get(name);
    if (i === undefined) throw new Error(`wasm-scan: no local ${name}`);
    return i;
  }
  get(n: string): this { this.code.push(OP.localGet, ...uleb(this.idx(n))); return this; }
  set(n: string): this { this.code.push(OP.localSet, ...uleb(this.idx(n))); return this; }
  tee(n: string): this { this.code.push(OP.localTee, ...uleb(this.idx(n))); return this; }
  i32(v: number): this { this.code.push(OP.const, ...sleb(v)); return this; }
  op(...codes: number[]): this { this.code.push(...codes); return this; }
  load8(): this { return this.op(OP.load8u, 0, 0); }
  load(): this { return this.op(OP.load, 2, 0); }
  store(): this { return this.op(OP.store, 2, 0); }
  call(f: number): this { return this.op(OP.call, ...uleb(f)); }
  block(label: string, body: () => void): this { return this.structured(OP.block, label, body); }
  loop(label: string, body: () => void): this { return this.structured(OP.loop, label, body); }
  /** `if` on the value on the stack. */
  if(then: () => void, otherwise?: () => void): this {
    this.code.push(OP.if, 0x40);
    this.labels.push(undefined);
    then();
    if (otherwise) { this.code.push(OP.else); otherwise(); }
    this.labels.pop();
    this.code.push(OP.end);
    return this;
  }
  br(label: string): this { return this.op(OP.br, ...uleb(this.depth(label))); }
  brIf(label: string): this { return this.op(OP.brIf, ...uleb(this.depth(label))); }
  /** Pushes 1 when local `n` equals any of `values`. */
  oneOf(n: string, values: readonly number[]): this {
    values.forEach((v, k) => { this.get(n).i32(v).op(OP.eq); if (k) this.op(OP.or); });
    if (values.length === 0) this.i32(0);
    return this;
  }

  private structured(opcode: number, label: string, body: () => void): this {
    this.code.push(opcode, 0x40);
    this.labels.push(label);
    body();
    this.labels.pop();
    this.code.push(OP.end);
    return this;
  }
  private depth(label: string): number {
    for (let d = 0; d < this.labels.length; d++) if (this.labels[this.labels.length - 1 - d] === label) return d;
    throw new Error(`wasm-scan: no label ${label}`);
  }
  body(): number[] {
    const locals = this.nLocals ? [1, ...uleb(this.nLocals), 0x7f] : [0];
    const fn = [...locals, ...this.code, OP.end];
    return [...uleb(fn.length), ...fn];
  }
}

// ---------------------------------------------------------------- memory layout

const CLASS_AT = 0; // 256 bytes: 0 other, 1 digit, 2 identifier start
const BLANK_AT = 256; // 256 bytes: 1 for blanks
const DCOUNT_AT = 512; // the number of definition candidates of the last scan
const NUM_AT = 768; // 256 bytes: 1 decimal digit, 2 hex digit, 4 integer suffix
const REL_AT = 1536; // 256 bytes: 1 when an identifier followed by this byte is indexed (scan.ts RELEVANT_NEXT)
const PARENS_AT = 1024; // 64 × i32
const TABLES_AT = 4096; // then the two tables and key lists, then the input

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;
const EACH = (101 << 24) | (97 << 16) | (99 << 8) | 104;

const F_INSERT = 0;
const F_SCAN = 1;
const F_CLEAR = 2;

function insertFn(): Fn {
  // insert(tab, mask, keys, count, key) -> count
  const f = new Fn(['tab', 'mask', 'keys', 'count', 'key'], ['slot', 'cur', 'addr']);
  f.get('key').get('key').i32(15).op(OP.shrU).op(OP.xor).get('mask').op(OP.and).set('slot');
  f.loop('probe', () => {
    f.get('tab').get('slot').i32(2).op(OP.shl).op(OP.add).tee('addr').load().tee('cur');
    f.get('key').op(OP.eq).if(() => { f.get('count').op(OP.return); });
    f.get('cur').op(OP.eqz).if(() => {
      f.get('addr').get('key').store();
      f.get('keys').get('count').i32(2).op(OP.shl).op(OP.add).get('key').store();
      f.get('count').i32(1).op(OP.add).op(OP.return);
    });
    f.get('slot').i32(1).op(OP.add).get('mask').op(OP.and).set('slot');
    f.br('probe');
  });
  f.i32(0);
  return f;
}

function clearFn(): Fn {
  // clear(tab, mask, keys, count): empties the slots of the keys listed
  const f = new Fn(['tab', 'mask', 'keys', 'count'], ['k', 'key', 'slot', 'addr']);
  f.block('done', () => f.loop('each', () => {
    f.get('k').get('count').op(OP.geU).brIf('done');
    f.get('keys').get('k').i32(2).op(OP.shl).op(OP.add).load().set('key');
    f.get('key').get('key').i32(15).op(OP.shrU).op(OP.xor).get('mask').op(OP.and).set('slot');
    f.block('found', () => f.loop('probe', () => {
      f.get('tab').get('slot').i32(2).op(OP.shl).op(OP.add).tee('addr').load().get('key').op(OP.eq).brIf('found');
      f.get('slot').i32(1).op(OP.add).get('mask').op(OP.and).set('slot');
      f.br('probe');
    }));
    f.get('addr').i32(0).store();
    f.get('k').i32(1).op(OP.add).set('k');
    f.br('each');
  }));
  return f;
}

function scanFn(): Fn {
  const f = new Fn(
    ['in', 'len', 'aTab', 'aMask', 'aKeys', 'dTab', 'dMask', 'dKeys'],
    ['i', 'end', 'c', 'd', 'h', 'key', 'prevKind', 'prevVal', 'depth', 'syscall', 'directive', 'slashes', 'aCount',
      'dCount', 'j', 'next', 'def', 'start', 'h5', 'last4', 'each', 'k', 'm', 'call', 'before', 'tmp', 'lex', 'fprev', 'cstart'],
  );
  const NOT_TYPE_H = NOT_TYPE.map(identHash);
  const NOT_ATTR_H = NOT_ATTRIBUTE.map(identHash);
  const SYSCALL_H = SYSCALL_MACROS.map(identHash);
  const COMPAT_H = SYSCALL_MACROS.filter((m) => m.startsWith('COMPAT')).map(identHash);
  const addAll = (key: () => void) => {
    f.get('aTab').get('aMask').get('aKeys').get('aCount');
    key();
    f.call(F_INSERT).tee('aCount').i32(1).op(OP.shl).get('aMask').op(OP.gtU).if(() => { f.i32(-1).op(OP.return); });
  };
  const addDef = (key: () => void) => {
    f.get('dTab').get('dMask').get('dKeys').get('dCount');
    key();
    f.call(F_INSERT).tee('dCount').i32(1).op(OP.shl).get('dMask').op(OP.gtU).if(() => { f.i32(-1).op(OP.return); });
  };
  /** Pushes whether the paren value in prevVal allows a definition (unknown, or an identifier that is no keyword). */
  const parenOk = () => {
    f.get('prevVal').i32(-1).op(OP.eq);
    f.get('prevVal').i32(0).op(OP.ne).oneOf('prevVal', NOT_ATTR_H).op(OP.eqz).op(OP.and);
    f.op(OP.or);
  };
  /** scan.ts arrowAfter(): fprev after the code byte c at i. */
  const arrowAfter = () => {
    f.get('c').i32(92).op(OP.ne).if(() => {
      f.get('c').i32(46).op(OP.eq)
        .get('c').i32(62).op(OP.eq).get('i').get('in').op(OP.gtU).op(OP.and).get('i').i32(1).op(OP.sub).load8().i32(45).op(OP.eq).op(OP.and)
        .op(OP.or).set('fprev');
    });
  };
  /** Pushes whether lex is neither LEX_BLOCK (1) nor LEX_LINE (2): code, a string or a character literal. */
  const notComment = () => { f.get('lex').i32(1).op(OP.ne).get('lex').i32(2).op(OP.ne).op(OP.and); };
  const skipBlanksFrom = (from: string) => {
    f.get(from).set('j');
    f.block('b', () => f.loop('l', () => {
      f.get('j').get('end').op(OP.geU).brIf('b');
      f.get('j').load8().i32(BLANK_AT).op(OP.add).load8().op(OP.eqz).brIf('b');
      f.get('j').i32(1).op(OP.add).set('j');
      f.br('l');
    }));
  };

  f.get('in').set('i');
  f.get('in').get('len').op(OP.add).set('end');
  f.block('out', () => f.loop('main', () => {
    f.get('i').get('end').op(OP.geU).brIf('out');
    f.get('i').load8().set('c');
    // ---- identifier
    f.get('c').load8().i32(2).op(OP.eq).if(() => {
      f.get('i').set('start');
      f.get('c').i32(FNV_OFFSET).op(OP.xor).i32(FNV_PRIME).op(OP.mul).set('h');
      f.i32(0).set('h5');
      f.get('c').set('last4');
      f.i32(0).set('each');
      f.get('i').i32(1).op(OP.add).set('i');
      f.block('idend', () => f.loop('id', () => {
        f.get('i').get('end').op(OP.geU).brIf('idend');
        f.get('i').load8().tee('d').load8().op(OP.eqz).brIf('idend');
        f.get('h').get('d').op(OP.xor).i32(FNV_PRIME).op(OP.mul).set('h');
        f.get('last4').i32(8).op(OP.shl).get('d').op(OP.or).tee('last4').i32(EACH).op(OP.eq).get('each').op(OP.or).set('each');
        f.get('i').i32(1).op(OP.add).tee('i').get('start').op(OP.sub).i32(5).op(OP.eq).if(() => { f.get('h').set('h5'); });
        f.br('id');
      }));
      f.get('h').get('h').op(OP.eqz).op(OP.or).set('key');
      skipBlanksFrom('i');
      f.get('j').get('end').op(OP.ltU).if(() => { f.get('j').load8().set('next'); }, () => { f.i32(-1).set('next'); });
      f.get('next').i32(0).op(OP.ltS)
        .get('next').i32(255).op(OP.and).i32(REL_AT).op(OP.add).load8().op(OP.or)
        .get('prevKind').i32(2).op(OP.eq).oneOf('prevVal', [46, 62]).op(OP.and).op(OP.or)
        .get('key').i32(identHash('pagecheck')).op(OP.eq).op(OP.or)
        .if(() => addAll(() => f.get('key')));
      // scan.ts: a possible callee of a call through a field, indexed again under fieldKey(key).
      notComment();
      f.if(() => {
        f.get('fprev').i32(1).op(OP.eq)
          .oneOf('next', [40, 41, 47, 92])
          .get('next').i32(255).op(OP.and).i32(CLASS_AT).op(OP.add).load8().i32(2).op(OP.eq).op(OP.or)
          .op(OP.and)
          .if(() => addAll(() => { f.get('key').i32(62).op(OP.xor).i32(FNV_PRIME).op(OP.mul).tee('tmp').get('tmp').op(OP.eqz).op(OP.or); }));
        f.i32(0).set('fprev');
      });
      f.get('each').get('h5').i32(0).op(OP.ne).op(OP.and).if(() => {
        addAll(() => f.get('h5'));
        addDef(() => f.get('h5'));
      });
      f.i32(0).set('def');
      f.get('syscall').i32(1).op(OP.eq).if(() => { f.i32(1).set('def'); }, () => {
        f.get('directive').i32(2).op(OP.ne).if(() => {
          f.oneOf('next', [40, 47, 92]).if(() => {
            f.get('prevKind').i32(0).op(OP.eq).if(() => { f.i32(1).set('def'); }, () => {
              f.get('prevKind').i32(1).op(OP.eq).if(() => { f.oneOf('prevVal', NOT_TYPE_H).op(OP.eqz).set('def'); }, () => {
                f.get('prevKind').i32(2).op(OP.eq).if(() => { f.oneOf('prevVal', [42, 93, 47, 35]).set('def'); }, () => {
                  parenOk();
                  f.set('def');
                });
              });
            });
          }, () => {
            f.get('next').i32(41).op(OP.eq).get('prevKind').i32(3).op(OP.eq).op(OP.and).if(() => { parenOk(); f.set('def'); });
          });
        });
      });
      f.get('def').if(() => addDef(() => f.get('key')));
      f.i32(0).set('syscall');
      f.oneOf('key', SYSCALL_H).if(() => {
        f.i32(2).set('syscall');
        f.get('key').i32(identHash('SYSCALL_DEFINE0')).op(OP.eq).if(() => {
          addAll(() => f.i32(identHash('L')));
          addDef(() => f.i32(identHash('L')));
        });
        f.get('key').i32(identHash('COMPAT_SYSCALL_DEFINE0')).op(OP.eq).if(() => {
          addAll(() => f.i32(identHash('T')));
          addDef(() => f.i32(identHash('T')));
        });
        f.oneOf('key', COMPAT_H).if(() => { f.i32(identHash('COMP')).set('tmp'); }, () => { f.i32(identHash('SYSC')).set('tmp'); });
        addAll(() => f.get('tmp'));
        addDef(() => f.get('tmp'));
      });
      f.get('directive').i32(1).op(OP.eq).get('key').i32(identHash('define')).op(OP.eq).op(OP.and)
        .if(() => { f.i32(2).set('directive'); }, () => { f.i32(0).set('directive'); });
      f.i32(1).set('prevKind');
      f.get('key').set('prevVal');
      f.br('main');
    });
    // ---- pp-number
    f.get('c').load8().i32(1).op(OP.eq).if(() => {
      f.get('i').set('start');
      f.get('i').i32(1).op(OP.add).set('i');
      f.block('nend', () => f.loop('n', () => {
        f.get('i').get('end').op(OP.geU).brIf('nend');
        f.get('i').load8().load8().op(OP.eqz).brIf('nend');
        f.get('i').i32(1).op(OP.add).set('i');
        f.br('n');
      }));
      skipBlanksFrom('i');
      f.get('j').get('end').op(OP.ltU).if(() => {
        f.get('j').load8().tee('tmp').i32(40).op(OP.eq).set('call');
        f.get('tmp').i32(REL_AT).op(OP.add).load8().set('before');
      }, () => { f.i32(0).set('call'); f.i32(1).set('before'); });
      f.get('syscall').i32(1).op(OP.eq).get('call').op(OP.or).set('call');
      // Fast path: a plain decimal or hex number (with an integer suffix) is one number_literal.
      const numWhile = (bit: number) => f.block('w', () => f.loop('wl', () => {
        f.get('k').get('i').op(OP.geU).brIf('w');
        f.get('k').load8().i32(NUM_AT).op(OP.add).load8().i32(bit).op(OP.and).op(OP.eqz).brIf('w');
        f.get('k').i32(1).op(OP.add).set('k');
        f.br('wl');
      }));
      f.get('start').set('k');
      f.get('k').load8().i32(48).op(OP.eq)
        .get('k').i32(2).op(OP.add).get('i').op(OP.ltU).op(OP.and)
        .get('k').i32(1).op(OP.add).load8().i32(32).op(OP.or).i32(120).op(OP.eq).op(OP.and)
        .if(() => { f.get('k').i32(2).op(OP.add).set('k'); numWhile(2); }, () => { numWhile(1); });
      numWhile(4);
      f.get('k').get('i').op(OP.eq)
        .get('start').get('in').op(OP.eq)
        .get('start').i32(1).op(OP.sub).load8().tee('tmp').i32(46).op(OP.ne).get('tmp').i32(39).op(OP.ne).op(OP.and)
        .op(OP.or).op(OP.and).set('def');
      f.get('def').if(() => { f.get('i').set('k'); }, () => { f.get('start').i32(1).op(OP.add).set('k'); });
      f.block('kend', () => f.loop('ks', () => {
        f.get('k').get('i').op(OP.geU).brIf('kend');
        f.get('k').load8().load8().i32(2).op(OP.eq).if(() => {
          f.i32(FNV_OFFSET).set('h');
          f.get('k').set('m');
          f.block('mend', () => f.loop('ms', () => {
            f.get('m').get('i').op(OP.geU).brIf('mend');
            f.get('h').get('m').load8().op(OP.xor).i32(FNV_PRIME).op(OP.mul).set('h');
            f.get('m').i32(1).op(OP.add).set('m');
            f.br('ms');
          }));
          f.get('h').get('h').op(OP.eqz).op(OP.or).set('key');
          f.get('before').if(() => addAll(() => f.get('key')));
          f.get('call').if(() => addDef(() => f.get('key')));
        });
        f.get('k').i32(1).op(OP.add).set('k');
        f.br('ks');
      }));
      f.i32(2).set('prevKind');
      f.i32(48).set('prevVal');
      f.i32(0).set('syscall');
      f.i32(0).set('directive');
      notComment();
      f.if(() => { f.i32(0).set('fprev'); });
      f.br('main');
    });
    // ---- blanks
    f.get('c').i32(BLANK_AT).op(OP.add).load8().if(() => {
      // A newline ends a line comment, a string or a character literal unless a backslash splices it.
      f.get('c').i32(10).op(OP.eq).get('lex').i32(1).op(OP.gtU).op(OP.and).if(() => {
        f.get('i').get('in').op(OP.gtU).if(() => {
          f.get('i').i32(1).op(OP.sub).load8().tee('tmp').i32(92).op(OP.eq)
            .get('tmp').i32(13).op(OP.eq).get('i').get('in').i32(1).op(OP.add).op(OP.gtU).op(OP.and)
            .get('i').i32(2).op(OP.sub).load8().i32(92).op(OP.eq).op(OP.and)
            .op(OP.or).set('tmp');
        }, () => { f.i32(0).set('tmp'); });
        f.get('tmp').op(OP.eqz).if(() => { f.i32(0).set('lex'); });
      });
      f.get('c').i32(10).op(OP.eq).get('slashes').i32(1).op(OP.eq).op(OP.and).if(() => {
        f.i32(0).set('prevKind');
        f.i32(0).set('prevVal');
        f.i32(0).set('slashes');
      });
      f.get('i').i32(1).op(OP.add).set('i');
      f.br('main');
    });
    // ---- punctuation
    // The field-call key's lexical state (scan.ts LEX_*): comments, strings, character literals.
    f.get('lex').op(OP.eqz).if(() => {
      f.get('c').i32(47).op(OP.eq).get('i').i32(1).op(OP.add).get('end').op(OP.ltU).op(OP.and)
        .if(() => { f.get('i').i32(1).op(OP.add).load8().set('tmp'); }, () => { f.i32(0).set('tmp'); });
      f.get('tmp').i32(42).op(OP.eq).if(() => { f.i32(1).set('lex'); f.get('i').set('cstart'); }, () => {
        f.get('tmp').i32(47).op(OP.eq).if(() => { f.i32(2).set('lex'); }, () => {
          f.oneOf('c', [34, 39]).if(() => {
            f.get('c').i32(34).op(OP.eq).if(() => { f.i32(3).set('lex'); }, () => { f.i32(4).set('lex'); });
            f.i32(0).set('fprev');
          }, arrowAfter);
        });
      });
    }, () => {
      f.get('lex').i32(1).op(OP.eq).if(() => {
        f.get('c').i32(47).op(OP.eq).get('i').i32(1).op(OP.sub).load8().i32(42).op(OP.eq).op(OP.and)
          .get('i').get('cstart').i32(3).op(OP.add).op(OP.geU).op(OP.and)
          .if(() => { f.i32(0).set('lex'); });
      }, () => {
        f.get('lex').i32(2).op(OP.ne).if(() => {
          f.get('lex').i32(3).op(OP.eq).if(() => { f.i32(34).set('tmp'); }, () => { f.i32(39).set('tmp'); });
          f.get('c').get('tmp').op(OP.eq).if(() => {
            // Escaped when an odd run of backslashes stands right before it.
            f.get('i').i32(1).op(OP.sub).set('k');
            f.block('eb', () => f.loop('el', () => {
              f.get('k').get('in').op(OP.ltU).brIf('eb');
              f.get('k').load8().i32(92).op(OP.ne).brIf('eb');
              f.get('k').i32(1).op(OP.sub).set('k');
              f.br('el');
            }));
            f.get('i').i32(1).op(OP.sub).get('k').op(OP.sub).i32(1).op(OP.and).op(OP.eqz)
              .if(() => { f.i32(0).set('lex'); f.i32(0).set('fprev'); }, arrowAfter);
          }, arrowAfter);
        });
      });
    });
    f.get('c').i32(40).op(OP.eq).if(() => {
      f.get('prevKind').i32(1).op(OP.eq).if(() => { f.get('prevVal').set('before'); }, () => { f.i32(0).set('before'); });
      f.get('depth').i32(64).op(OP.ltU).if(() => {
        f.get('depth').i32(2).op(OP.shl).i32(PARENS_AT).op(OP.add).get('before').store();
      });
      f.get('depth').i32(1).op(OP.add).set('depth');
      f.i32(3).set('prevKind');
      f.get('depth').i32(64).op(OP.gtU).if(() => { f.i32(-1).set('prevVal'); }, () => { f.get('before').set('prevVal'); });
      f.get('syscall').i32(2).op(OP.eq).set('syscall');
    }, () => {
      f.get('c').i32(41).op(OP.eq).if(() => {
        f.i32(-1).set('tmp');
        f.get('depth').i32(0).op(OP.gtU).if(() => {
          f.get('depth').i32(1).op(OP.sub).set('depth');
          f.get('depth').i32(64).op(OP.ltU).if(() => {
            f.get('depth').i32(2).op(OP.shl).i32(PARENS_AT).op(OP.add).load().set('tmp');
          });
        });
        f.i32(4).set('prevKind');
        f.get('tmp').set('prevVal');
        f.i32(0).set('syscall');
      }, () => {
        f.get('c').i32(47).op(OP.eq).get('prevKind').i32(2).op(OP.eq).op(OP.and).get('prevVal').i32(47).op(OP.eq).op(OP.and)
          .get('i').i32(1).op(OP.sub).load8().i32(47).op(OP.eq).op(OP.and).if(() => { f.i32(1).set('slashes'); });
        f.i32(2).set('prevKind');
        f.get('c').set('prevVal');
        f.i32(0).set('syscall');
      });
    });
    f.get('c').i32(35).op(OP.eq).set('directive');
    f.get('i').i32(1).op(OP.add).set('i');
    f.br('main');
  }));
  f.i32(DCOUNT_AT).get('dCount').store();
  f.get('aCount');
  return f;
}

function moduleBytes(): Uint8Array {
  const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
  const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
  const i32 = 0x7f;
  const fnType = (params: number, results: number) => [0x60, ...uleb(params), ...Array(params).fill(i32), ...uleb(results), ...Array(results).fill(i32)];
  const name = (s: string) => [...uleb(s.length), ...Buffer.from(s, 'utf8')];
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([fnType(5, 1), fnType(8, 1), fnType(4, 0)])),
    ...section(3, vec([[0], [1], [2]])),
    ...section(5, vec([[0x00, ...uleb(2)]])),
    ...section(7, vec([[...name('memory'), 0x02, 0], [...name('scan'), 0x00, F_SCAN], [...name('clear'), 0x00, F_CLEAR]])),
    ...section(10, vec([insertFn().body(), scanFn().body(), clearFn().body()])),
  ];
  return Uint8Array.from(bytes);
}

// The WebAssembly API, typed locally (this project's `lib` has no DOM types).
interface WasmMemory { readonly buffer: ArrayBuffer; grow(pages: number): number }
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let compiled: object | undefined;

/** One instance per thread: its memory holds the input and the two dedup tables. */
export class WasmScanner {
  private readonly memory: WasmMemory;
  private readonly scanWasm: (...a: number[]) => number;
  private readonly clearWasm: (tab: number, mask: number, keys: number, count: number) => void;
  private cap = 1 << 12;

  constructor() {
    compiled ??= new WA.Module(moduleBytes());
    const inst = new WA.Instance(compiled, {});
    this.memory = inst.exports.memory as WasmMemory;
    this.scanWasm = inst.exports.scan as (...a: number[]) => number;
    this.clearWasm = inst.exports.clear as (tab: number, mask: number, keys: number, count: number) => void;
    const head = new Uint8Array(this.memory.buffer, 0, 2048);
    for (let c = 0; c < 256; c++) {
      const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36 || c >= 128;
      head[CLASS_AT + c] = letter ? 2 : c >= 48 && c <= 57 ? 1 : 0;
    }
    for (const c of [32, 9, 10, 13, 11, 12]) head[BLANK_AT + c] = 1;
    head.set(RELEVANT_NEXT, REL_AT);
    for (let c = 0; c < 256; c++) {
      const ch = String.fromCharCode(c);
      head[NUM_AT + c] = (/[0-9]/.test(ch) ? 1 : 0) | (/[0-9a-fA-F]/.test(ch) ? 2 : 0) | (/[uUlL]/.test(ch) ? 4 : 0);
    }
  }

  /** The same result as scanTokens(buf). */
  scan(buf: Uint8Array): FileTokens {
    for (;;) {
      // Tables first (their empty slots stay zero between files), the input after them.
      const cap = this.cap;
      const aTab = TABLES_AT;
      const aKeys = aTab + cap * 4;
      const dTab = aKeys + cap * 2;
      const dKeys = dTab + cap * 4;
      const input = dKeys + cap * 2;
      this.reserve(input + buf.length + 64);
      new Uint8Array(this.memory.buffer, input, buf.length).set(buf);
      const aCount = this.scanWasm(input, buf.length, aTab, cap - 1, aKeys, dTab, cap - 1, dKeys);
      if (aCount < 0) {
        // A table filled up: start again with bigger ones (rare: only files with very many distinct names).
        this.cap *= 2;
        this.reserve(TABLES_AT + this.cap * 12);
        new Uint8Array(this.memory.buffer, TABLES_AT, this.cap * 12).fill(0);
        continue;
      }
      const dCount = new Int32Array(this.memory.buffer, DCOUNT_AT, 1)[0];
      const idents = new Uint32Array(this.memory.buffer, aKeys, aCount).slice();
      const defs = new Uint32Array(this.memory.buffer, dKeys, dCount).slice();
      this.clearWasm(aTab, cap - 1, aKeys, aCount);
      this.clearWasm(dTab, cap - 1, dKeys, dCount);
      return { idents, defs };
    }
  }

  private reserve(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (bytes > have) this.memory.grow(Math.ceil((bytes - have) / 65536));
  }
}

