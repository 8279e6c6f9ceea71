// What to review, as trees: a base tree and one tree per patch, each with its diff against the one before.
//   A..B, or REV (= REV..HEAD): the first-parent commits of the range, each against its first parent.
//   patch files / mboxes (git format-patch, b4): split and decoded by git's own mailsplit and mailinfo (what `git am`
//   uses: MIME, quoted-printable, "From " escaping), applied in order with `git apply --cached` to a private index on
//   the base, each state written as a tree into the private object directory.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parsePatch, StructuredPatch } from 'diff';
import { Git, GitError } from './git';
import { Scratch } from './scratch';

export class ReviewError extends Error {}

export interface Patch {
  /** 1-based position in the series. */
  n: number;
  /** `[PATCH 2/3] mm: …` as the mail had it, or the commit's subject. */
  subject: string;
  author: string;
  /** The commit, or the patch file (as the user named it) and the message's number in it. */
  source: string;
  /** The tree after this patch. */
  tree: string;
  /** The diff against the tree before, file by file. */
  files: StructuredPatch[];
}

export interface Series {
  /** The base revision as the user would name it, and its tree. */
  baseName: string;
  baseTree: string;
  patches: Patch[];
}

/** Whether the arguments name patch files (any existing file) rather than revisions. */
export function arePatchFiles(args: readonly string[], cwd: string): boolean {
  return args.some((a) => { if (a === '-') return true; try { return fs.statSync(path.resolve(cwd, a)).isFile(); } catch { return false; } });
}

export async function seriesFromRange(git: Git, spec: string): Promise<Series> {
  const range = spec.includes('..') ? spec : `${spec}..HEAD`;
  if (range.includes('...')) throw new ReviewError(`${spec}: a symmetric range (A...B) has no order to review in; use A..B`);
  let log: string;
  try {
    log = await git.run(['log', '--reverse', '--first-parent', '--format=%H%x00%T%x00%P%x00%an <%ae>%x00%s%x00', range, '--']);
  } catch (e) {
    throw new ReviewError(`${spec}: not a revision range here (${(e as GitError).stderr.trim().split('\n')[0] || (e as Error).message})`);
  }
  const commits = log.split('\0\n').filter((l) => l.trim()).map((l) => {
    const [commit, tree, parents, author, subject] = l.replace(/^\n/, '').split('\0');
    return { commit, tree, parent: parents.split(' ')[0] || '', author, subject };
  });
  if (!commits.length) throw new ReviewError(`${spec}: the range holds no commit`);
  const first = commits[0];
  const baseTree = first.parent ? (await git.run(['rev-parse', `${first.parent}^{tree}`])).trim() : await emptyTree(git);
  const patches: Patch[] = [];
  let before = baseTree;
  for (const [i, c] of commits.entries()) {
    patches.push({ n: i + 1, subject: c.subject, author: c.author, source: c.commit.slice(0, 12), tree: c.tree, files: await treeDiff(git, before, c.tree) });
    before = c.tree;
  }
  return { baseName: first.parent ? first.parent.slice(0, 12) : '(root)', baseTree, patches };
}

interface Mail {
  file: string;
  subject: string;
  author: string;
  patch: string;
  raw: string;
  /** The commit of the `From <sha> Mon Sep 17 00:00:00 2001` line git format-patch writes. */
  from?: string;
}

/**
 * Patch files in order: split (an mbox holds several), decoded, applied on `base` (default: a `base-commit:` line of
 * the series, else HEAD) in the scratch index; each state becomes a tree in the scratch object directory.
 */
export async function seriesFromPatches(git: Git, files: readonly string[], cwd: string, scratch: Scratch, base?: string): Promise<{ series: Series; git: Git }> {
  const mails: Mail[] = [];
  for (const [k, f] of files.entries()) {
    // `-`: the patch on stdin (b4 prep --check hands each patch to its per-patch command this way).
    let abs = path.resolve(cwd, f);
    if (f === '-') { abs = scratch.path(`stdin-${k}`); fs.writeFileSync(abs, fs.readFileSync(0)); }
    if (!fs.existsSync(abs)) throw new ReviewError(`${f}: no such file (give patch files, or a revision range A..B)`);
    const dir = scratch.path('mail', String(k));
    fs.mkdirSync(dir, { recursive: true });
    try {
      await git.run(['mailsplit', '-b', `-o${dir}`, abs]);
    } catch (e) {
      throw new ReviewError(`${f}: not a patch or an mbox (${(e as GitError).stderr.trim().split('\n')[0] || (e as Error).message})`);
    }
    const parts = fs.readdirSync(dir).sort();
    // A file that is a bare diff (no mail headers) is one patch.
    if (!parts.length) throw new ReviewError(`${f}: no patch in it`);
    for (const [j, p] of parts.entries()) {
      const msgFile = path.join(dir, p);
      const info = await git.run(['mailinfo', '-k', '--encoding=UTF-8', `${msgFile}.msg`, `${msgFile}.patch`], { input: fs.readFileSync(msgFile) });
      const field = (name: string) => new RegExp(`^${name}: (.*)$`, 'm').exec(info)?.[1]?.trim() ?? '';
      const patch = fs.readFileSync(`${msgFile}.patch`, 'utf8');
      const shown = parts.length > 1 ? `${f} (message ${j + 1})` : f;
      const raw = fs.readFileSync(msgFile, 'utf8');
      const from = /^From ([0-9a-f]{40}) Mon Sep 17 00:00:00 2001$/m.exec(raw)?.[1];
      mails.push({ file: f === '-' ? `stdin${shown.slice(1)}` : shown, subject: field('Subject') || path.basename(f), author: [field('Author'), field('Email') && `<${field('Email')}>`].filter(Boolean).join(' '), patch, raw, from });
    }
  }
  const withDiff = mails.filter((m) => /^(diff --git |--- |Index: )/m.test(m.patch));
  if (!withDiff.length) throw new ReviewError(`${files.join(', ')}: no patch with a diff in it (only a cover letter?)`);

  const baseName = base ?? baseCommitLine(mails) ?? await parentOfFirst(git, withDiff[0]) ?? 'HEAD';
  let baseTree: string;
  try {
    baseTree = (await git.run(['rev-parse', '--verify', '--quiet', `${baseName}^{tree}`])).trim();
  } catch {
    throw new ReviewError(base ? `--base ${base}: no such revision here` : `base-commit ${baseName}: not in this repository (fetch it, or give --base)`);
  }
  const index = scratch.path('index');
  const objects = scratch.path('objects');
  fs.mkdirSync(objects, { recursive: true });
  const repoObjects = path.resolve(git.cwd, (await git.run(['rev-parse', '--git-path', 'objects'])).trim());
  const priv = git.with({ index, objects: { dir: objects, alternates: repoObjects } });
  await priv.run(['read-tree', baseTree]);
  const patches: Patch[] = [];
  let before = baseTree;
  for (const [i, m] of withDiff.entries()) {
    const patchFile = scratch.path(`patch-${i + 1}`);
    fs.writeFileSync(patchFile, m.patch);
    try {
      await priv.run(['apply', '--cached', '--whitespace=nowarn', patchFile]);
    } catch (e) {
      throw new ReviewError(applyFailure(m, (e as GitError).stderr ?? '', i + 1, withDiff.length));
    }
    const tree = (await priv.run(['write-tree'])).trim();
    patches.push({ n: i + 1, subject: m.subject, author: m.author, source: m.file, tree, files: await treeDiff(priv, before, tree) });
    before = tree;
  }
  const sha = (await git.run(['rev-parse', '--verify', '--quiet', `${baseName}^{commit}`], { ok: [1] }).catch(() => '')).trim();
  const shown = sha && !sha.startsWith(baseName) ? `${baseName} (${sha.slice(0, 12)})` : sha ? sha.slice(0, 12) : baseName;
  return { series: { baseName: shown, baseTree, patches }, git: priv };
}

/** The parent of the commit a format-patch mail was made from, when that commit is here (a local series). */
async function parentOfFirst(git: Git, m: Mail): Promise<string | undefined> {
  if (!m.from) return undefined;
  const parent = await git.run(['rev-parse', '--verify', '--quiet', `${m.from}^1^{commit}`], { ok: [1] }).catch(() => '');
  return parent.trim() || undefined;
}

/** `base-commit: <sha>` as git format-patch --base and b4 write it (cover letter or first patch). */
function baseCommitLine(mails: readonly Mail[]): string | undefined {
  for (const m of mails) {
    const b = /^base-commit: ([0-9a-f]{7,40})\s*$/m.exec(m.raw);
    if (b) return b[1];
  }
  return undefined;
}

/** "patch 2/3 (0002-x.patch): does not apply: mm/memory.c, hunk @@ -855,7 +855,6 @@ (line 855)". */
function applyFailure(m: Mail, stderr: string, n: number, total: number): string {
  const failed = /patch failed: (.+):(\d+)/.exec(stderr);
  const who = `patch ${n}/${total} (${m.file}: ${m.subject})`;
  if (failed) {
    const [, file, line] = failed;
    let hunk = '';
    try {
      for (const p of parsePatch(m.patch)) {
        if (stripPrefix(p.newFileName) !== file && stripPrefix(p.oldFileName) !== file) continue;
        const h = p.hunks.find((x) => x.oldStart === Number(line));
        if (h) hunk = `, hunk @@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`;
      }
    } catch { /* the hunk header is a nicety */ }
    return `${who}: does not apply: ${file}${hunk} (at line ${line}); nothing was changed`;
  }
  const first = stderr.trim().split('\n').find((l) => l.startsWith('error:')) ?? stderr.trim().split('\n')[0] ?? 'git apply failed';
  return `${who}: does not apply: ${first.replace(/^error: /, '')}; nothing was changed`;
}

export function stripPrefix(name: string | undefined): string {
  if (!name || name === '/dev/null') return '';
  return name.replace(/^[ab]\//, '');
}

async function treeDiff(git: Git, a: string, b: string): Promise<StructuredPatch[]> {
  const text = await git.run(['diff-tree', '-p', '-r', '--no-renames', '--no-ext-diff', '--no-textconv', '--no-color', '--full-index', '-U3', a, b]);
  return parsePatch(text).filter((p) => p.oldFileName || p.newFileName);
}

async function emptyTree(git: Git): Promise<string> {
  return (await git.run(['hash-object', '-t', 'tree', '--stdin'], { input: '' })).trim();
}
