// Command-line parsing (commander): argv in, validated options out. Usage mistakes throw UsageError (exit status 2)
// with a one-line message naming the option at fault. Three shapes:
//   pagecheck [options] [paths...]                   audit files or trees
//   pagecheck review [options] <range | patches...>  what a series changes (cli/review/)
//   pagecheck --kbuild <sparse-style arguments> FILE  as `make C=1 CHECK="pagecheck --kbuild"` calls it (cli/kbuild.ts)
import * as os from 'node:os';
import { Command, CommanderError, Option } from 'commander';

export type Format = 'text' | 'json' | 'sarif' | 'report';
export const FORMATS: readonly Format[] = ['text', 'json', 'sarif', 'report'];
export const REVIEW_FORMATS: readonly Format[] = ['text', 'json', 'sarif'];

export interface CliOptions {
  command: 'audit' | 'review' | 'kbuild';
  format: Format;
  output?: string;
  config?: string;
  jobs: number;
  kernelVersion?: string;
  /** `.config` or autoconf.h deciding CONFIG_ branches. */
  kconfig?: string;
  baseline?: string;
  writeBaseline?: string;
  verbose: boolean;
  /** Audit: files and directories. Review: a revision range, or patch files / mboxes. */
  paths: string[];
  /** Review: the revision patch files apply to (default: their base-commit: line, else HEAD). */
  base?: string;
  /** Kbuild: the arguments as make passed them (cli/kbuild.ts reads them). */
  kbuildArgs?: string[];
  /** --check FILE: print what the language server shows on FILE (server/check/check.ts). */
  check?: string;
  /** --clear-cache: remove the cache of the tree (`tree`), or --clear-all-caches every tree's (`all`); audit nothing. */
  clearCache?: 'tree' | 'all';
  help: boolean;
  version: boolean;
}

export class UsageError extends Error {}

const EXIT = `
Exit status: 0 no warning-level finding (review: nothing new), 1 at least one, 2 usage, configuration or I/O error.
An invalid configuration file is an error (one line per problem, naming the key): the audit still runs with the
valid parts and the defaults, and the status is 2.`;

const AUDIT_HELP = `
With no paths: the kernel tree around the current directory, else the bundled example tree (examples/). Paths are
printed as given, relative to the current directory; the chain of a finding follows it as "note:" lines.
Every function of every file given is analysed with all the others as its possible callers.
Files that cannot be audited (binary, unreadable, over maxFileSize) are counted on stderr (--verbose names them).

  pagecheck review --help            what a patch series changes (new and fixed findings, as a mail reply)
  make C=1 CHECK="pagecheck --kbuild"   check each file the kernel build compiles, as sparse does
${EXIT}
`;

const REVIEW_HELP = `
Revisions: A..B (the commits of B not in A, each audited against its parent), or REV (REV..HEAD).
Patches: files from git format-patch or b4 (one patch each, or an mbox of the series), applied in order on
--base (default: the series' base-commit: line, else HEAD). Nothing in the checkout is touched: no checkout,
no index, no branch, no hook; patches are applied to a private index and object store, removed on every exit.
Exit status: 0 the series adds no warning-level finding, 1 it adds at least one, 2 usage or I/O error (a patch
that does not apply names the patch and the hunk).
`;

function commonOptions(cmd: Command, formats: readonly Format[]): Command {
  return cmd
    .addOption(new Option('-f, --format <format>', formats.length > 3 ? 'text (default): gcc-style "file:line:col: warning: message [PC001]"; report: the seed\'s list' : 'text (default): the reply to paste into a mail; json, sarif: the same delta').argParser(oneOf('--format', formats)))
    .addOption(new Option('-o, --output <file>', 'write there instead of stdout').argParser(nonEmpty('--output')))
    .addOption(new Option('-c, --config <file>', 'default: .pagecheck.json at the root, if present').argParser(nonEmpty('--config')))
    .addOption(new Option('-j, --jobs <n>', 'worker threads (default: number of cores)').argParser(jobs))
    .addOption(new Option('-k, --kernel-version <X.Y>', "API contract set; default: read from the tree's top Makefile").argParser(kernelVersion))
    .addOption(new Option('--kconfig <file>', 'the kernel configuration (.config or include/generated/autoconf.h) deciding CONFIG_ branches').argParser(nonEmpty('--kconfig')))
    .addOption(new Option('-v, --verbose', 'name every skipped file, say what was reused from the cache'))
    .helpOption('-h, --help', 'show this help')
    .configureHelp({ optionTerm: (o) => o.flags.replace(/ <format>$/, ` ${formats.join('|')}`), helpWidth: 116 });
}

function auditCommand(): Command {
  const cmd = new Command('pagecheck')
    .usage('[options] [paths...]')
    .description('Audits struct page lifetime around ZONE_DEVICE tests in Linux kernel C.')
    .argument('[paths...]');
  commonOptions(cmd, FORMATS)
    .addOption(new Option('-b, --baseline <file>', 'report only findings not recorded in FILE (line-free fingerprints)').argParser(nonEmpty('--baseline')))
    .addOption(new Option('-B, --write-baseline <file>', "record this run's findings in FILE, for --baseline").argParser(nonEmpty('--write-baseline')))
    .addOption(new Option('--kbuild', 'sparse-style arguments, for make C=1 CHECK="pagecheck --kbuild" (see docs/review.md)'))
    .addOption(new Option('--check <file>', 'run the language server on FILE headless and print what an editor shows: diagnostics, and at every ZONE_DEVICE test or memmap read the verdict, the hover and the code actions (for bug reports)').argParser(nonEmpty('--check')))
    .addOption(new Option('--clear-cache', "remove the disk cache of the tree (the paths' root, else the current directory) and exit (docs/cache.md)"))
    .addOption(new Option('--clear-all-caches', "remove every tree's disk cache and exit"))
    .addOption(new Option('-V, --version', 'print the version'))
    .addHelpText('after', AUDIT_HELP);
  return cmd;
}

function reviewCommand(): Command {
  const cmd = new Command('review')
    .usage('[options] <A..B | REV | patch files | mbox>')
    .description('What a patch series changes: per patch, the findings it adds and the ones it fixes, as a mail reply.')
    .argument('<series...>');
  commonOptions(cmd, REVIEW_FORMATS)
    .addOption(new Option('--base <rev>', 'the revision patch files apply to (default: their base-commit:, else HEAD)').argParser(nonEmpty('--base')))
    .addHelpText('after', REVIEW_HELP);
  cmd.name('pagecheck review');
  return cmd;
}

/** The help of the command argv asks about (for `--help` / `review --help`). */
export function usage(command: 'audit' | 'review' = 'audit'): string {
  return (command === 'review' ? reviewCommand() : auditCommand()).helpInformation() + (command === 'review' ? REVIEW_HELP : AUDIT_HELP);
}

export function parseArgs(argv: readonly string[]): CliOptions {
  // Kbuild passes compiler flags (-D, -I, -include …) that are not ours: a parser of their own (cli/kbuild.ts).
  if (argv.includes('--kbuild')) return { ...defaults('kbuild'), kbuildArgs: argv.filter((a) => a !== '--kbuild') };
  const review = argv[0] === 'review';
  const cmd = review ? reviewCommand() : auditCommand();
  cmd.exitOverride().configureOutput({ writeOut: () => {}, writeErr: () => {} }).allowExcessArguments(false);
  // --help / --version answer before anything else is checked (as commander would, but without exiting).
  const rest = review ? argv.slice(1) : argv;
  const end = rest.indexOf('--');
  const flags = end >= 0 ? rest.slice(0, end) : rest;
  if (flags.includes('--help') || flags.includes('-h')) return { ...defaults(review ? 'review' : 'audit'), help: true };
  if (!review && (flags.includes('--version') || flags.includes('-V'))) return { ...defaults('audit'), version: true };
  try {
    cmd.parse([...rest], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) throw new UsageError(message(e, review));
    throw e;
  }
  const o = cmd.opts();
  const opts: CliOptions = {
    ...defaults(review ? 'review' : 'audit'),
    ...(o.format ? { format: o.format as Format } : {}),
    output: o.output, config: o.config, kernelVersion: o.kernelVersion, kconfig: o.kconfig,
    baseline: o.baseline, writeBaseline: o.writeBaseline, base: o.base, check: o.check,
    verbose: !!o.verbose,
    paths: [...(cmd.processedArgs[0] as string[] | undefined ?? [])],
  };
  if (o.jobs) opts.jobs = o.jobs as number;
  if (o.clearCache || o.clearAllCaches) opts.clearCache = o.clearAllCaches ? 'all' : 'tree';
  if (review && !opts.paths.length) throw new UsageError('review: give a revision range (A..B) or patch files (see pagecheck review --help)');
  return opts;
}

function defaults(command: CliOptions['command']): CliOptions {
  return { command, format: 'text', jobs: defaultJobs(), verbose: false, paths: [], help: false, version: false };
}

/** Commander's words → ours: `unknown option --x (see --help)`, `--format needs a value`. */
function message(e: CommanderError, review: boolean): string {
  const see = review ? 'pagecheck review --help' : '--help';
  const name = /'(-[^' ,]+)(?:, (--[^' ]+))?/.exec(e.message);
  const long = name ? name[2] ?? name[1] : '';
  switch (e.code) {
    case 'commander.unknownOption': return `unknown option ${/'([^']+)'/.exec(e.message)?.[1] ?? ''} (see ${see})`;
    case 'commander.optionMissingArgument': return `${long} needs a value`;
    case 'commander.missingArgument': return review ? 'review: give a revision range (A..B) or patch files (see pagecheck review --help)' : e.message.replace(/^error: /, '');
    default: return e.message.replace(/^error: /, '');
  }
}

const oneOf = (name: string, allowed: readonly string[]) => (value: string) => {
  if (!allowed.includes(value)) throw new UsageError(`${name}: expected one of ${allowed.join(', ')}, got "${value}"`);
  return value;
};

const nonEmpty = (name: string) => (value: string) => {
  if (value === '') throw new UsageError(`${name} needs a file name`);
  return value;
};

function jobs(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 1024) throw new UsageError(`--jobs: expected a whole number of threads from 1 to 1024, got "${value}"`);
  return Number(value);
}

function kernelVersion(value: string): string {
  // X.Y as in the Makefile's VERSION.PATCHLEVEL; a full X.Y.Z is accepted and trimmed.
  const m = /^v?(\d+)\.(\d+)(?:\.\d+)?$/.exec(value);
  if (!m) throw new UsageError(`--kernel-version: expected a kernel version X.Y such as 6.1, got "${value}"`);
  return `${Number(m[1])}.${Number(m[2])}`;
}

function defaultJobs(): number {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length || 1;
}
