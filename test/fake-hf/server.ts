// A fake Hugging Face Hub with the routes m1 uses: model search by tags (/api/models?filter=…),
// a repo's file list (/api/models/{repo}/tree/main), in the Hub's response shapes, and dataset file
// downloads (/datasets/{repo}/resolve/main/{file}) with the dataset's file list (/api/datasets/{repo}/tree/main).
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRepo {
  id: string;
  tags: string[];
  downloads: number;
  files: Array<{ path: string; size: number }>;
}

export interface FakeHub {
  url: string;
  requests: string[];
  close(): Promise<void>;
}

export interface FakeHubOptions {
  /** Entries per page of a repo's file list; the next page is named in a Link header, as the Hub
   * client follows it (huggingface/huggingface.js, packages/hub/src/lib/list-files.ts, listFiles). */
  treePageSize?: number;
  /** Dataset files by "{repo}/{file}", served at /datasets/{repo}/resolve/main/{file}. */
  datasets?: Record<string, Buffer>;
  /** The first download of a dataset file stops after this many bytes (a lost connection). */
  cutAfter?: number;
  /** Dataset files arrive with one byte changed (damaged on the way); the file list keeps the true hash. */
  damaged?: boolean;
}

export async function startFakeHub(repos: FakeRepo[], opts: FakeHubOptions = {}): Promise<FakeHub> {
  const requests: string[] = [];
  let cut = false;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/api/models') {
      const filters = url.searchParams.getAll('filter');
      const limit = Number(url.searchParams.get('limit') ?? 100);
      const found = repos
        .filter((r) => filters.every((f) => r.tags.includes(f)))
        .sort((a, b) => b.downloads - a.downloads)
        .slice(0, limit)
        .map((r) => ({ _id: r.id.replace('/', '-'), id: r.id, private: false, downloads: r.downloads, likes: 1, lastModified: '2026-01-01T00:00:00.000Z', tags: r.tags }));
      return json(200, found);
    }
    const tree = /^\/api\/models\/([^/]+\/[^/]+)\/tree\/main$/.exec(url.pathname);
    if (tree) {
      const repo = repos.find((r) => r.id === decodeURIComponent(tree[1]!));
      if (!repo) return json(404, { error: 'Repository not found' });
      const entries = [{ type: 'file', path: 'README.md', size: 1200, oid: 'a' }, ...repo.files.map((f) => ({ type: 'file', oid: 'b', ...f }))];
      const size = opts.treePageSize ?? entries.length;
      const cursor = Number(url.searchParams.get('cursor') ?? 0);
      if (cursor + size < entries.length) res.setHeader('Link', `<http://${req.headers.host}${url.pathname}?cursor=${cursor + size}>; rel="next"`);
      return json(200, entries.slice(cursor, cursor + size));
    }
    // A dataset's file list: each data file is an LFS file whose lfs.oid is its SHA-256
    // (huggingface/huggingface.js packages/hub/src/lib/list-files.ts, ListFileEntry).
    const datasetTree = /^\/api\/datasets\/([^/]+\/[^/]+)\/tree\/main$/.exec(url.pathname);
    if (datasetTree) {
      const prefix = `${decodeURIComponent(datasetTree[1]!)}/`;
      const files = Object.entries(opts.datasets ?? {}).filter(([k]) => k.startsWith(prefix));
      if (files.length === 0) return json(404, { error: 'Repository not found' });
      const sha = (b: Buffer, alg: string) => createHash(alg).update(b).digest('hex');
      return json(200, files.map(([k, b]) => ({ type: 'file', oid: sha(b, 'sha1'), size: b.length, path: k.slice(prefix.length), lfs: { oid: sha(b, 'sha256'), size: b.length, pointerSize: 134 } })));
    }
    // A file download (huggingface_hub constants.py HUGGINGFACE_CO_URL_TEMPLATE, "datasets/" prefix);
    // a Range request is answered 206 with the rest, as huggingface_hub file_download.py http_get resumes.
    const resolve = /^\/datasets\/([^/]+\/[^/]+)\/resolve\/main\/(.+)$/.exec(url.pathname);
    if (resolve) {
      const stored = opts.datasets?.[`${decodeURIComponent(resolve[1]!)}/${decodeURIComponent(resolve[2]!)}`];
      if (!stored) return json(404, { error: 'Entry not found' });
      const body = opts.damaged ? Buffer.concat([Buffer.from([stored[0]! ^ 1]), stored.subarray(1)]) : stored;
      const from = Number(/^bytes=(\d+)-$/.exec(req.headers.range ?? '')?.[1] ?? 0);
      if (from >= body.length && from > 0) {
        res.writeHead(416, { 'Content-Range': `bytes */${body.length}` });
        return res.end();
      }
      const rest = body.subarray(from);
      res.writeHead(from ? 206 : 200, { 'Content-Type': 'application/json', 'Content-Length': String(rest.length), ...(from ? { 'Content-Range': `bytes ${from}-${body.length - 1}/${body.length}` } : {}) });
      if (opts.cutAfter !== undefined && !cut) {
        cut = true;
        // The connection drops a moment after the bytes went out, so the client has read them (a
        // reset right away can discard what sits unread in its socket buffer, and nothing arrives).
        res.write(rest.subarray(0, opts.cutAfter), () => setTimeout(() => res.destroy(), 200));
        return;
      }
      return res.end(rest);
    }
    json(404, { error: 'Not found' });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** GGUF builds of m1-7B-23K as the demo and the tests see them (invented repos). */
export const DEMO_REPOS: FakeRepo[] = [
  {
    id: 'example-user/m1-7B-23K-GGUF',
    tags: ['gguf', 'base_model:quantized:UCSC-VLAA/m1-7B-23K'],
    downloads: 900,
    files: [
      { path: 'm1-7B-23K.Q4_K_M.gguf', size: 4_683_087_332 },
      { path: 'm1-7B-23K.Q8_0.gguf', size: 8_098_525_152 },
      { path: 'm1-7B-23K.f16.gguf', size: 15_237_853_120 },
    ],
  },
  {
    id: 'other-user/m1-7B-23K-i1-GGUF',
    tags: ['gguf', 'base_model:quantized:UCSC-VLAA/m1-7B-23K'],
    downloads: 120,
    files: [
      { path: 'm1-7B-23K.i1-IQ4_XS.gguf', size: 4_250_000_000 },
      { path: 'm1-7B-23K.imatrix.dat', size: 4_000_000 },
    ],
  },
  { id: 'someone/unrelated-GGUF', tags: ['gguf', 'base_model:quantized:Qwen/Qwen2.5-7B-Instruct'], downloads: 5000, files: [{ path: 'q.Q4_K_M.gguf', size: 4_000_000_000 }] },
];
