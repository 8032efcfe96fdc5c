// Merges the run files of one run made on several machines (each ran a shard under the same run
// id) into one: same benchmark and settings required, each item once.
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { M1Error } from '../errors';
import { itemKey, readRunFile, sameSettings, tornNote, type RunHeader, type RunRecord } from './runFile';

export async function mergeRunFiles(paths: string[], out: string): Promise<{ header: RunHeader; records: RunRecord[]; duplicates: number; notes: string[] }> {
  if (paths.length < 2) throw new M1Error('bad-input', 'Give at least two run files to merge.');
  const files = await Promise.all(paths.map(async (p) => ({ path: p, ...(await readRunFile(p)) })));
  const first = files[0]!;
  for (const f of files.slice(1)) {
    const why =
      f.header.runId !== first.header.runId
        ? `run id ${f.header.runId} is not ${first.header.runId} (start every machine with the same --run-id)`
        : f.header.benchHash !== first.header.benchHash
          ? `it ran another benchmark (${f.header.benchFile})`
          : !sameSettings(f.header.settings, first.header.settings)
            ? `it ran with other settings (${JSON.stringify(f.header.settings)})`
            : undefined;
    if (why) throw new M1Error('bad-input', `Cannot merge ${f.path} with ${first.path}: ${why}.`);
  }
  const byKey = new Map<string, RunRecord>();
  let duplicates = 0;
  for (const f of files) {
    for (const r of f.records) {
      if (byKey.has(itemKey(r))) duplicates++;
      else byKey.set(itemKey(r), r);
    }
  }
  // Each shard planned its own part; the same shard twice (a re-run) counts once.
  const plans = new Map(files.map((f) => [f.header.subset ?? f.path, f.header.planned ?? 0]));
  const { subset: _subset, ...rest } = first.header;
  const header: RunHeader = { ...rest, planned: [...plans.values()].reduce((a, b) => a + b, 0) };
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(header)}\n`);
  const records = [...byKey.values()];
  for (let i = 0; i < records.length; i += 500) await appendFile(out, records.slice(i, i + 500).map((r) => `${JSON.stringify(r)}\n`).join(''));
  return { header, records, duplicates, notes: files.flatMap((f) => (f.torn ? [tornNote(f.path, f.torn)] : [])) };
}
