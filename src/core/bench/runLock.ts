// One writer per run file, and no append onto a torn line. Two `--resume`s of one file would both
// append every item they run (duplicates); a record half written by a crash or a full disk would
// glue the next record onto it (one unreadable line in the middle of the file).
import { hostname } from 'node:os';
import { open, readFile, rm, stat, truncate } from 'node:fs/promises';
import * as z from 'zod/mini';
import { M1Error } from '../errors';

const lockSchema = z.object({ pid: z.int().check(z.positive()), host: z.string(), startedAt: z.string(), command: z.string() });
type LockInfo = z.infer<typeof lockSchema>;

export const lockPathOf = (runFile: string) => `${runFile}.lock`;

/** Whether a process of this machine is still running (a kill -9 leaves its lock behind). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // running, as another user
  }
}

async function readLock(path: string): Promise<LockInfo | undefined> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const parsed = lockSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Takes the run file's lock (`<run file>.lock`, created exclusively) or says which process holds
 * it. A lock left by a process of this machine that no longer runs is taken over.
 */
export async function lockRunFile(runFile: string): Promise<{ release: () => Promise<void> }> {
  const path = lockPathOf(runFile);
  const mine: LockInfo = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), command: process.argv.slice(1).join(' ').slice(0, 200) };
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(`${JSON.stringify(mine)}\n`);
      await handle.close();
      return { release: () => rm(path, { force: true }) };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const other = await readLock(path);
    if (other && other.host === mine.host && !alive(other.pid) && attempt === 0) {
      await rm(path, { force: true }); // left by a process that was killed
      continue;
    }
    const who = other ? `process ${other.pid} on ${other.host} (${other.command || 'm1'}), since ${other.startedAt}` : 'another process';
    throw new M1Error('bad-input', `${runFile} is being written by ${who}. Wait for that run to finish or stop it; if it is no longer running, delete ${path}.`);
  }
}

/**
 * Cuts a torn last line (one without its newline) off a run file before anything is appended,
 * and says which line it was; nothing is cut from a file that ends with a newline.
 */
export async function trimTornLine(runFile: string): Promise<{ line: number; bytes: number } | undefined> {
  const size = (await stat(runFile).catch(() => undefined))?.size;
  if (!size) return undefined;
  const handle = await open(runFile, 'r');
  try {
    // Read backwards in blocks to the last newline: a torn record may be megabytes long.
    const block = Buffer.alloc(64 * 1024);
    let end = size;
    let keep = -1;
    let last = true;
    while (end > 0 && keep < 0) {
      const start = Math.max(0, end - block.length);
      const { bytesRead } = await handle.read(block, 0, end - start, start);
      if (last && block[bytesRead - 1] === 0x0a) return undefined; // ends whole
      last = false;
      const at = block.subarray(0, bytesRead).lastIndexOf(0x0a);
      if (at >= 0) keep = start + at + 1;
      end = start;
    }
    keep = Math.max(keep, 0);
    let lines = 0;
    for (let at = 0; at < keep; ) {
      const { bytesRead } = await handle.read(block, 0, Math.min(block.length, keep - at), at);
      for (let i = 0; i < bytesRead; i++) if (block[i] === 0x0a) lines++;
      at += bytesRead;
    }
    await truncate(runFile, keep);
    return { line: lines + 1, bytes: size - keep };
  } finally {
    await handle.close();
  }
}
