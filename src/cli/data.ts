// `m1 data get`: the paper's evaluation data from the Hugging Face Hub, with progress, resume and
// the reference's MD5 check, then its items per source.
import { parseArgs } from 'node:util';
import { DEFAULT_HUB } from '../core/hf/ggufBuilds';
import { PAPER_DATA, getPaperData, notTheReference } from '../core/hf/dataset';
import { UsageError } from './args';

export const DATA_USAGE = `Usage: m1 data get [--dir DIR] [--endpoint URL] [--json]

Downloads the paper's evaluation data (${PAPER_DATA.file} of the Hugging Face dataset
${PAPER_DATA.repo}) into DIR (default: the current folder), checks it against the MD5 the m1
reference checks (a file the Hub vouches for by its SHA-256 that is not the reference's is kept, and
said so; a damaged one is refused), and prints its items per source. A stopped download resumes
when run again.

Options:
  --dir DIR        where to put it (default .)
  --endpoint URL   the Hub (default $HF_ENDPOINT or ${DEFAULT_HUB})
  --json           print one JSON object: path, bytes, md5, sha256, reference, content hash, items per source
`;

interface Out {
  write(s: string): unknown;
}

export async function data(argv: string[], env: NodeJS.ProcessEnv, out: Out, err: Out, signal?: AbortSignal): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { dir: { type: 'string', default: '.' }, endpoint: { type: 'string' }, json: { type: 'boolean', default: false } } });
  if (positionals[0] !== 'get' || positionals.length > 1) throw new UsageError('the data command is: m1 data get [--dir DIR]');
  const endpoint = values.endpoint ?? env.HF_ENDPOINT ?? DEFAULT_HUB;
  let shown = -1;
  const got = await getPaperData({
    endpoint,
    dir: values.dir,
    ...(signal ? { signal } : {}),
    onProgress: ({ received, total }) => {
      // One line per 10%, or per 8 MB when the size is unknown.
      const step = total ? Math.floor((10 * received) / total) : Math.floor(received / 8e6);
      if (step === shown) return;
      shown = step;
      err.write(`  ${(received / 1e6).toFixed(1)} MB${total ? ` of ${(total / 1e6).toFixed(1)} MB` : ''}\n`);
    },
  });
  if (values.json) out.write(`${JSON.stringify(got)}\n`);
  else {
    const total = Object.values(got.sources).reduce((a, b) => a + b, 0);
    out.write(
      [
        `${got.path}: ${got.alreadyThere ? 'already there' : got.resumedFrom ? `downloaded (resumed at ${got.resumedFrom} bytes)` : 'downloaded'}, ${got.reference ? `MD5 ${got.md5} as the reference expects` : notTheReference(got.md5)}`,
        ...Object.entries(got.sources).map(([s, n]) => `  ${s.padEnd(28)} ${String(n).padStart(6)}`),
        `  ${'total'.padEnd(28)} ${String(total).padStart(6)}`,
        `content hash ${got.hash} (recorded in every run made from it)`,
        '',
      ].join('\n'),
    );
  }
  return 0;
}
