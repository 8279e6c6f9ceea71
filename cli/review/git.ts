// Git plumbing for `pagecheck review`, isolated so that nothing the user has can run or change: hooks point at
// /dev/null, fsmonitor (which may be a hook program) is off, no optional lock is taken (so even a stat refresh never
// writes the index), no external diff or textconv driver runs, and the output format is pinned against the user's
// diff configuration. With a Scratch (cli/review/scratch.ts) new objects and the index go to a private directory:
// the repository's objects are read through GIT_ALTERNATE_OBJECT_DIRECTORIES and never written.
//
// The git CLI is spawned directly (execFile with argument arrays, never a shell): `cat-file --batch` must stream
// blobs through one long-lived process, which wrapper libraries (simple-git) do not offer, and everything else
// here is a handful of plumbing commands whose output formats git keeps stable.
import { ChildProcessWithoutNullStreams, execFile, spawn } from 'node:child_process';

const ISOLATION = [
  '-c', 'core.hooksPath=/dev/null', '-c', 'core.fsmonitor=false', '-c', 'core.quotePath=false',
  '-c', 'diff.noprefix=false', '-c', 'diff.mnemonicPrefix=false', '-c', 'diff.relative=false', '-c', 'color.ui=false',
  '-c', 'apply.whitespace=nowarn', '-c', 'core.autocrlf=false', '-c', 'core.safecrlf=false',
  '--no-optional-locks', '--no-pager',
];

export class GitError extends Error {
  constructor(message: string, readonly stderr: string, readonly code: number | null) { super(message); }
}

export interface GitEnv {
  /** Private index file (GIT_INDEX_FILE). */
  index?: string;
  /** Private object directory, the repository's read through alternates. */
  objects?: { dir: string; alternates: string };
}

export class Git {
  constructor(readonly cwd: string, private readonly scratch: GitEnv = {}) {}

  with(scratch: GitEnv): Git {
    return new Git(this.cwd, { ...this.scratch, ...scratch });
  }

  env(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env, GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0', GIT_LITERAL_PATHSPECS: '1', LC_ALL: 'C', LANG: 'C', GIT_PAGER: 'cat' };
    // A review never edits anything: no editor, no askpass.
    env.GIT_EDITOR = 'true';
    if (this.scratch.index) env.GIT_INDEX_FILE = this.scratch.index;
    if (this.scratch.objects) {
      env.GIT_OBJECT_DIRECTORY = this.scratch.objects.dir;
      env.GIT_ALTERNATE_OBJECT_DIRECTORIES = this.scratch.objects.alternates;
    }
    return env;
  }

  /** Runs a git command; resolves with stdout (a Buffer when `binary`), rejects with GitError (its stderr kept). */
  run(args: readonly string[], opts: { input?: string | Buffer; binary?: boolean; ok?: number[] } = {}): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = execFile('git', [...ISOLATION, ...args], { cwd: this.cwd, env: this.env(), maxBuffer: 1 << 30, encoding: 'buffer' }, (err, stdout, stderr) => {
        const code = err ? (typeof (err as NodeJS.ErrnoException & { code?: unknown }).code === 'number' ? (err as unknown as { code: number }).code : null) : 0;
        if (err && !(opts.ok ?? []).includes(code ?? -1)) {
          if ((err as NodeJS.ErrnoException).code === 'ENOENT') { reject(new GitError('git is not installed (review needs it)', '', null)); return; }
          reject(new GitError(`git ${args[0]}: ${stderr.toString('utf8').trim().split('\n').pop() ?? 'failed'}`, stderr.toString('utf8'), code));
          return;
        }
        resolve(stdout.toString(opts.binary ? 'latin1' : 'utf8'));
      });
      if (opts.input !== undefined) child.stdin?.end(opts.input);
    });
  }

  /** `git cat-file --batch`: blob contents by object name, through one process. */
  catFile(): CatFile {
    return new CatFile(spawn('git', [...ISOLATION, 'cat-file', '--batch'], { cwd: this.cwd, env: this.env() }));
  }
}

/** A long-lived `git cat-file --batch`; requests are answered in order. */
export class CatFile {
  private buf = Buffer.alloc(0);
  private readonly waiting: Array<{ resolve: (b: Buffer | undefined) => void; reject: (e: Error) => void }> = [];
  private failed: Error | undefined;

  constructor(private readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.on('data', (d: Buffer) => { this.buf = Buffer.concat([this.buf, d]); this.drain(); });
    const fail = (e: Error) => { this.failed = e; for (const w of this.waiting.splice(0)) w.reject(e); };
    child.on('error', (e) => fail(new GitError(`git cat-file: ${e.message}`, '', null)));
    child.on('exit', () => fail(new GitError('git cat-file ended early', '', null)));
  }

  /** The object's bytes, or undefined when it does not exist. */
  read(name: string): Promise<Buffer | undefined> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.child.stdin.write(`${name}\n`);
    });
  }

  close(): void {
    this.child.stdin.end();
    this.child.removeAllListeners('exit');
  }

  private drain(): void {
    for (;;) {
      const nl = this.buf.indexOf(10);
      if (nl < 0 || !this.waiting.length) return;
      const header = this.buf.subarray(0, nl).toString('utf8');
      if (header.endsWith(' missing') || header.endsWith(' ambiguous')) {
        this.buf = this.buf.subarray(nl + 1);
        this.waiting.shift()!.resolve(undefined);
        continue;
      }
      const size = Number(header.split(' ')[2]);
      if (this.buf.length < nl + 1 + size + 1) return;
      const body = this.buf.subarray(nl + 1, nl + 1 + size);
      this.buf = this.buf.subarray(nl + 1 + size + 1);
      this.waiting.shift()!.resolve(Buffer.from(body));
    }
  }
}
