// Names: the engine knows files by root-relative `/` paths (`mm/memory.c`, as the CLI prints them); LSP knows
// URIs. This module is the only place that converts between the two.
//
// Architecture Invariant: with one workspace folder a file's name is its path relative to that folder; with
// several, the folder's name is prefixed (`linux/mm/memory.c`); a file outside every folder is known by its
// absolute path, and a buffer that is not a file by its URI.
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { nameInFolders, toPosix } from '../../engine';

export interface Folder {
  uri: string;
  fsPath: string;
  name: string;
}

export class Paths {
  private folders: Folder[] = [];
  /** The URI string the client used for a name (diagnostics must go back to exactly that URI). */
  private readonly clientUris = new Map<string, string>();

  setFolders(folders: Array<{ uri: string; name?: string }>): void {
    this.folders = [];
    for (const f of folders) {
      const fsPath = uriToPath(f.uri);
      if (fsPath) this.folders.push({ uri: f.uri, fsPath: path.resolve(fsPath), name: f.name ?? path.basename(fsPath) });
    }
  }

  roots(): readonly Folder[] {
    return this.folders;
  }

  /** The folder holding `fsPath`, and the path relative to it. */
  locate(fsPath: string): { folder: Folder; rel: string } | undefined {
    const abs = path.resolve(fsPath);
    let best: { folder: Folder; rel: string } | undefined;
    for (const folder of this.folders) {
      const rel = path.relative(folder.fsPath, abs);
      if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) continue;
      if (!best || folder.fsPath.length > best.folder.fsPath.length) best = { folder, rel: toPosix(rel) };
    }
    return best;
  }

  nameOfPath(fsPath: string): string {
    return nameInFolders(this.prefixed(), fsPath) ?? toPosix(path.resolve(fsPath));
  }

  /** The folders with the prefix their files' names carry (none with one folder). */
  prefixed(): Array<Folder & { prefix: string }> {
    return this.folders.map((f) => ({ ...f, prefix: this.folders.length > 1 ? `${f.name}/` : '' }));
  }

  nameOf(uri: string): string {
    const fsPath = uriToPath(uri);
    const name = fsPath ? this.nameOfPath(fsPath) : uri;
    this.clientUris.set(name, uri);
    return name;
  }

  fsPathOf(name: string): string | undefined {
    const known = this.clientUris.get(name);
    if (known) return uriToPath(known);
    if (path.isAbsolute(name)) return name;
    if (this.folders.length === 1) return path.join(this.folders[0].fsPath, ...name.split('/'));
    const slash = name.indexOf('/');
    const folder = this.folders.find((f) => f.name === name.slice(0, slash));
    return folder ? path.join(folder.fsPath, ...name.slice(slash + 1).split('/')) : undefined;
  }

  uriOf(name: string): string {
    const known = this.clientUris.get(name);
    if (known) return known;
    const fsPath = this.fsPathOf(name);
    return fsPath ? pathToFileURL(fsPath).href : name;
  }
}

export function uriToPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

export function pathToUri(fsPath: string): string {
  return pathToFileURL(fsPath).href;
}
