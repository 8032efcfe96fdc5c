// What a window loads when m1 activates: the size of each production bundle (run after
// `node scripts/build.mjs --production`, which `npm run perf:size` does first).
import { statSync } from 'node:fs';
import { join } from 'node:path';

const dist = join(__dirname, '..', 'dist');
const bundles: Array<[string, string]> = [
  ['extension.js', 'loaded at activation'],
  ['languageClient.js', 'loaded when the first JSON/JSONL/CSV file opens'],
  ['server.js', 'the language server process, started with the client'],
  ['cli.js', 'the `m1` CLI'],
];
console.log('| bundle | bytes | KB | when |\n|---|---|---|---|');
for (const [file, when] of bundles) {
  const bytes = statSync(join(dist, file)).size;
  console.log(`| \`${file}\` | ${bytes.toLocaleString('en')} | ${(bytes / 1024).toFixed(1)} | ${when} |`);
}
