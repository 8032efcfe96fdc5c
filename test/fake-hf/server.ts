// A fake Hugging Face Hub with the two routes m1 uses: model search by tags (/api/models?filter=…)
// and a repo's file list (/api/models/{repo}/tree/main), in the Hub's response shapes.
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

export async function startFakeHub(repos: FakeRepo[]): Promise<FakeHub> {
  const requests: string[] = [];
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
      return json(200, [{ type: 'file', path: 'README.md', size: 1200, oid: 'a' }, ...repo.files.map((f) => ({ type: 'file', oid: 'b', ...f }))]);
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
