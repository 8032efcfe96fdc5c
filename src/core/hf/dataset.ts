// The paper's evaluation data from the Hugging Face Hub: one file downloaded with progress, cancel
// and resume (a `.part` file continued with a Range request), checked against the MD5 the m1
// reference itself checks before it evaluates, and against the Hub's own SHA-256 of the file, which
// tells a damaged download (refused) from a dataset changed since the paper (kept, and said so).
import { createHash } from 'node:crypto';
import { constants, createReadStream, existsSync } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import * as z from 'zod/mini';
import { readBench } from '../bench/format';
import { hashFile } from '../bench/runFile';
import { M1Error, isAbortError } from '../errors';
import { folderInside, refuseLink } from '../safeWrite';

/**
 * The reference's evaluation file and its checksum (m1 src/eval/configs/base.yaml: eval_data_path
 * misc/m1_eval_data.json, eval_data_md5sum; docs/ENV.md downloads it from this dataset).
 */
export const PAPER_DATA = { repo: 'UCSC-VLAA/m1_eval_data', file: 'm1_eval_data.json', md5: 'fe50ce67a958cfa9bc958a51b2502e57' } as const;

/** A dataset file's download URL (huggingface_hub constants.py: HUGGINGFACE_CO_URL_TEMPLATE with the "datasets/" prefix). */
export function datasetFileUrl(endpoint: string, repo: string, file: string, revision = 'main'): string {
  const path = (s: string) => s.split('/').map(encodeURIComponent).join('/');
  return `${endpoint.replace(/\/$/, '')}/datasets/${path(repo)}/resolve/${encodeURIComponent(revision)}/${path(file)}`;
}

export interface DownloadProgress {
  received: number;
  total?: number;
}

export interface DownloadResult {
  path: string;
  bytes: number;
  md5: string;
  sha256: string;
  /** The MD5 is the one the reference expects: the very file the paper evaluated. */
  reference: boolean;
  /** Bytes that were already there from an earlier, stopped download. */
  resumedFrom: number;
}

/** MD5 and SHA-256 of a file, in one read. */
export async function fileDigests(path: string): Promise<{ md5: string; sha256: string }> {
  const md5 = createHash('md5');
  const sha256 = createHash('sha256');
  for await (const chunk of createReadStream(path)) {
    md5.update(chunk as Buffer);
    sha256.update(chunk as Buffer);
  }
  return { md5: md5.digest('hex'), sha256: sha256.digest('hex') };
}

// A repo tree entry: LFS files carry their SHA-256 as lfs.oid (huggingface/huggingface.js
// packages/hub/src/lib/list-files.ts, ListFileEntry; huggingface_hub hf_api.py, RepoFile → BlobLfsInfo.sha256).
const TreeEntries = z.array(z.object({ path: z.string(), lfs: z.optional(z.object({ oid: z.string() })) }));

/**
 * The Hub's SHA-256 of a dataset file at the repo's root, from its file list
 * (GET /api/datasets/{repo}/tree/main, huggingface_hub hf_api.py list_repo_tree); undefined when the
 * Hub does not say (not an LFS file, an older mirror, an error): the MD5 check alone then decides.
 */
export async function hubSha256(opts: { endpoint: string; repo: string; file: string; signal?: AbortSignal; fetch?: typeof fetch }): Promise<string | undefined> {
  const path = opts.repo.split('/').map(encodeURIComponent).join('/');
  try {
    const res = await (opts.fetch ?? fetch)(`${opts.endpoint.replace(/\/$/, '')}/api/datasets/${path}/tree/main`, opts.signal ? { signal: opts.signal } : {});
    if (!res.ok) return undefined;
    const entries = TreeEntries.safeParse(await res.json());
    const oid = entries.success ? entries.data.find((e) => e.path === opts.file)?.lfs?.oid : undefined;
    return oid && /^[0-9a-f]{64}$/.test(oid) ? oid : undefined;
  } catch (e) {
    if (isAbortError(e)) throw new M1Error('cancelled', 'Download cancelled.');
    return undefined;
  }
}

// Never through a link: a cloned repository may plant `benchmarks` or the `.part` file as one.
const WRITE = constants.O_WRONLY | constants.O_CREAT | (constants.O_NOFOLLOW ?? 0);

/** `dest` and its part file in a real folder inside `root`, neither of them a link. */
async function safeTarget(root: string, path: string): Promise<{ dest: string; part: string }> {
  const dest = join(await folderInside(root, dirname(path)), basename(path));
  const part = `${dest}.part`;
  await refuseLink(dest);
  await refuseLink(part);
  return { dest, part };
}

/**
 * Downloads `url` to `dest`. Bytes arrive in `dest.part`; a download stopped (cancelled, or the
 * connection lost) continues from there next time. The file takes its name only once complete
 * and, with `md5`, only when it matches it, or when it matches `sha256`, the Hub's own hash (an
 * intact file that is not the reference's: `reference` is then false).
 */
export async function downloadFile(opts: { url: string; dest: string; root: string; md5?: string; sha256?: string; signal?: AbortSignal; onProgress?: (p: DownloadProgress) => void; fetch?: typeof fetch }): Promise<DownloadResult> {
  const { dest, part } = await safeTarget(opts.root, opts.dest);
  let have = (await stat(part).catch(() => undefined))?.size ?? 0;
  let resumedFrom = have;
  let res: Response;
  try {
    res = await (opts.fetch ?? fetch)(opts.url, { headers: have ? { Range: `bytes=${have}-` } : {}, ...(opts.signal ? { signal: opts.signal } : {}) });
  } catch (e) {
    if (isAbortError(e)) throw new M1Error('cancelled', 'Download cancelled.');
    throw new M1Error('unreachable', `Cannot reach ${new URL(opts.url).origin}: ${(e as Error).message}`);
  }
  // 416: the part file already holds the whole file.
  if (res.status !== 416) {
    if (!res.ok || !res.body) throw new M1Error('http', `${res.status} ${res.statusText} from ${opts.url}`);
    // A server that ignores the Range header sends the whole file again (huggingface_hub file_download.py, http_get).
    if (have && res.status !== 206) have = 0;
    resumedFrom = have;
    const length = Number(res.headers.get('content-length'));
    const total = Number.isFinite(length) && length > 0 ? have + length : undefined;
    const file = await open(part, WRITE | (have ? constants.O_APPEND : constants.O_TRUNC));
    let received = have;
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        await file.write(chunk);
        received += chunk.length;
        opts.onProgress?.({ received, ...(total !== undefined ? { total } : {}) });
      }
    } catch (e) {
      if (isAbortError(e) || opts.signal?.aborted) throw new M1Error('cancelled', `Download cancelled at ${received} bytes; run it again to resume.`);
      throw new M1Error('stream-cut', `The download stopped at ${received} bytes (${(e as Error).message}); run it again to resume.`);
    } finally {
      await file.close();
    }
  }
  const { md5, sha256 } = await fileDigests(part);
  const reference = opts.md5 === md5;
  if (opts.md5 && !reference && sha256 !== opts.sha256) {
    // A corrupt part cannot be resumed into a right file: start over next time.
    await rm(part, { force: true });
    const hub = opts.sha256 ? `, and its SHA-256 ${sha256} is not the Hub's ${opts.sha256}: the download is damaged` : '';
    throw new M1Error('bad-input', `MD5 mismatch for ${opts.url}: got ${md5}, the reference expects ${opts.md5}${hub}. The partial file was removed; run it again to download afresh.`);
  }
  await rename(part, dest); // a rename replaces whatever is at dest, never writes through it
  return { path: dest, bytes: (await stat(dest)).size, md5, sha256, reference, resumedFrom };
}

/** What to say of an intact file that is not the one the paper evaluated. */
export function notTheReference(md5: string): string {
  return `not the file the paper evaluated: its MD5 is ${md5}, the reference checks ${PAPER_DATA.md5} (the dataset changed on the Hub; the download matches the Hub's SHA-256). Runs made from it record its content hash.`;
}

export interface PaperData extends DownloadResult {
  /** Items per source, in file order. */
  sources: Record<string, number>;
  /** The content hash every run made from the file records as its benchHash. */
  hash: string;
  /** The file was already there, complete and matching. */
  alreadyThere: boolean;
}

/**
 * Downloads the paper's evaluation data into `dir` (once: a file matching the reference's MD5 or
 * the Hub's SHA-256 is kept) and counts its items per source.
 */
export async function getPaperData(opts: { endpoint: string; dir: string; root?: string; signal?: AbortSignal; onProgress?: (p: DownloadProgress) => void; fetch?: typeof fetch; md5?: string }): Promise<PaperData> {
  // Without a root (the CLI), the folder the user named is the root.
  if (!opts.root) await mkdir(opts.dir, { recursive: true });
  const root = opts.root ?? opts.dir;
  const { dest } = await safeTarget(root, join(opts.dir, PAPER_DATA.file));
  const md5 = opts.md5 ?? PAPER_DATA.md5;
  const io = { ...(opts.signal ? { signal: opts.signal } : {}), ...(opts.fetch ? { fetch: opts.fetch } : {}) };
  const sha256 = await hubSha256({ endpoint: opts.endpoint, repo: PAPER_DATA.repo, file: PAPER_DATA.file, ...io });
  const there = existsSync(dest) ? await fileDigests(dest) : undefined;
  const existing = there !== undefined && (there.md5 === md5 || there.sha256 === sha256);
  const got: DownloadResult = existing
    ? { path: dest, bytes: (await stat(dest)).size, ...there, reference: there.md5 === md5, resumedFrom: 0 }
    : await downloadFile({ url: datasetFileUrl(opts.endpoint, PAPER_DATA.repo, PAPER_DATA.file), dest, root, md5, ...(sha256 ? { sha256 } : {}), ...io, ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) });
  const { items } = await readBench(dest);
  const sources: Record<string, number> = {};
  for (const it of items) sources[it.source] = (sources[it.source] ?? 0) + 1;
  return { ...got, sources, hash: await hashFile(dest), alreadyThere: existing };
}
