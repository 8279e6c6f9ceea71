// Command-line parsing: argv in, validated options out. Usage mistakes throw UsageError (exit status 2) with a
// one-line message naming the option at fault.
import * as os from 'node:os';

export type Format = 'text' | 'json' | 'sarif' | 'report';
export const FORMATS: readonly Format[] = ['text', 'json', 'sarif', 'report'];

export interface CliOptions {
  format: Format;
  output?: string;
  config?: string;
  jobs: number;
  kernelVersion?: string;
  /** --check FILE: print what the language server shows on FILE (server/check/check.ts). */
  check?: string;
  paths: string[];
  help: boolean;
  version: boolean;
}

export class UsageError extends Error {}

export const USAGE = `Usage: pagecheck [options] [paths...]

Audits struct page lifetime around ZONE_DEVICE tests in Linux kernel C. With no paths, audits the bundled
example tree (examples/). Paths in the output are relative to the root: the directory when one directory is
given, otherwise the common parent of all the paths.

Options:
  --format text|json|sarif|report  text (default): gcc-style "file:line:col: warning: message [PC001]"
  --output FILE                    write there instead of stdout
  --config FILE                    default: .pagecheck.json at the root, if present
  --jobs N                         worker threads (default: number of cores)
  --kernel-version X.Y             API contract set; default: read from the tree's top Makefile
  --check FILE                     run the language server on FILE headless and print what an editor shows:
                                   diagnostics, and at every ZONE_DEVICE test or memmap read the verdict, the
                                   hover and the code actions (for bug reports)
  --help                           show this help
  --version                        print the version

Exit status: 0 no warning-level finding, 1 at least one, 2 usage, configuration or I/O error.
An invalid configuration file is an error (one line per problem, naming the key): the audit still runs with
the valid parts and the defaults, and the status is 2.
Files that cannot be audited (binary, unreadable, over maxFileSize) are skipped with a reason on stderr.
`;

const VALUE_OPTS: Record<string, string> = { '--format': 'format', '-f': 'format', '--output': 'output', '-o': 'output',
  '--config': 'config', '-c': 'config', '--jobs': 'jobs', '-j': 'jobs', '--kernel-version': 'kernelVersion', '--check': 'check' };

export function parseArgs(argv: readonly string[]): CliOptions {
  const opts: CliOptions = { format: 'text', jobs: defaultJobs(), paths: [], help: false, version: false };
  let onlyPaths = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (onlyPaths || !a.startsWith('-') || a === '-') { opts.paths.push(a); continue; }
    if (a === '--') { onlyPaths = true; continue; }
    if (a === '--help' || a === '-h') { opts.help = true; continue; }
    if (a === '--version' || a === '-V') { opts.version = true; continue; }
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const name = eq > 0 ? a.slice(0, eq) : a;
    const field = VALUE_OPTS[name];
    if (!field) throw new UsageError(`unknown option ${name} (see --help)`);
    let value: string;
    if (eq > 0) value = a.slice(eq + 1);
    else {
      if (i + 1 >= argv.length) throw new UsageError(`${name} needs a value`);
      value = argv[++i];
    }
    setOption(opts, name, field, value);
  }
  return opts;
}

function setOption(opts: CliOptions, name: string, field: string, value: string): void {
  switch (field) {
    case 'format':
      if (!(FORMATS as readonly string[]).includes(value)) throw new UsageError(`${name}: expected one of ${FORMATS.join(', ')}, got "${value}"`);
      opts.format = value as Format;
      return;
    case 'jobs': {
      if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 1024) throw new UsageError(`${name}: expected a whole number of threads from 1 to 1024, got "${value}"`);
      opts.jobs = Number(value);
      return;
    }
    case 'kernelVersion': {
      // X.Y as in the Makefile's VERSION.PATCHLEVEL; a full X.Y.Z is accepted and trimmed.
      const m = /^v?(\d+)\.(\d+)(?:\.\d+)?$/.exec(value);
      if (!m) throw new UsageError(`${name}: expected a kernel version X.Y such as 6.1, got "${value}"`);
      opts.kernelVersion = `${Number(m[1])}.${Number(m[2])}`;
      return;
    }
    case 'output':
    case 'config':
    case 'check':
      if (value === '') throw new UsageError(`${name} needs a file name`);
      opts[field] = value;
      return;
  }
}

function defaultJobs(): number {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length || 1;
}
