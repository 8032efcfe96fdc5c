// Writes that a repository's planted links cannot redirect. A cloned repository may ship
// `.m1/traces/x.m1trace.json` (or `.m1` itself) as a link to a file in the home folder; writing
// "into" it must never change that file. Each folder on the way is checked to be a real folder
// (not a link) inside the root, and the file is replaced by a rename of a freshly created
// (exclusive) temporary file: a rename replaces a link or a hard link, it never writes through it.
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, realpath, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';
import { M1Error } from './errors';

const refuse = (path: string, why: string) => new M1Error('bad-input', `Refusing to write ${path}: ${why}. m1 never writes through a link; remove it and try again.`);

/** `path` relative to `root`, or undefined when it is not inside it. */
function inside(root: string, path: string): string | undefined {
  const rel = relative(root, path);
  return !rel || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel) ? undefined : rel;
}

/** Creates the folders of `rel` under `root` one by one, refusing any that is a link or a file. */
async function realFolders(root: string, rel: string, target: string): Promise<string> {
  let at = await realpath(root);
  for (const part of rel.split(sep).filter(Boolean)) {
    at = join(at, part);
    const st = await lstat(at).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return undefined;
      throw e;
    });
    if (!st) await mkdir(at);
    else if (st.isSymbolicLink()) throw refuse(target, `${at} is a link`);
    else if (!st.isDirectory()) throw refuse(target, `${at} is not a folder`);
  }
  return at;
}

/** Makes `dir` (inside `root`) a real folder, refusing a link or a file on the way. */
export async function folderInside(root: string, dir: string): Promise<string> {
  const rel = inside(root, dir) ?? (dir === root ? '' : undefined);
  if (rel === undefined) throw refuse(dir, `it is outside ${root}`);
  return realFolders(root, rel, dir);
}

/**
 * Writes `text` to `path`, which must lie inside `root` (after resolving the root's real path);
 * no folder on the way and not the file itself may be a link.
 */
export async function writeInside(root: string, path: string, text: string): Promise<void> {
  const rel = inside(root, path);
  if (rel === undefined) throw refuse(path, `it is outside ${root}`);
  const dir = await realFolders(root, dirname(rel), path);
  const file = join(dir, basename(rel));
  const st = await lstat(file).catch(() => undefined);
  if (st?.isSymbolicLink()) throw refuse(path, 'it is a link');
  if (st && !st.isFile()) throw refuse(path, 'it is not a plain file');
  const tmp = join(dir, `.${basename(rel)}.${randomBytes(6).toString('hex')}.tmp`);
  await writeFile(tmp, text, { flag: 'wx' }); // exclusive: never an existing file or link
  try {
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/** Refuses a path that is a link (a run file a repository planted), before m1 appends to it. */
export async function refuseLink(path: string): Promise<void> {
  const st = await lstat(path).catch(() => undefined);
  if (st?.isSymbolicLink()) throw refuse(path, 'it is a link');
  if (st && st.nlink > 1) throw refuse(path, 'it has other names (a hard link)');
}
