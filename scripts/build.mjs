// Bundles the extension, the CLI and the test bundles with esbuild. `--production` minifies and
// drops source maps (what `npm run package` ships); `--watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

// difflib 0.2.4 (a CoffeeScript port of Python's difflib) assigns to Function.name, which throws
// in the strict-mode bundle; drop those assignments (they only set the name it already has).
const difflibStrictMode = {
  name: 'difflib-strict-mode',
  setup(build) {
    build.onLoad({ filter: /difflib[\\/]lib[\\/]difflib\.js$/ }, async (args) => ({
      contents: (await readFile(args.path, 'utf8')).replace(/^\s*\w+\.name = '\w+';$/gm, ''),
      loader: 'js',
    }));
  },
};

// @huggingface/tasks (for @huggingface/gguf's quant names) re-exports every task, model library
// and snippet table from one index; declared free of side effects, only the gguf part stays.
const hfTasksPure = {
  name: 'hf-tasks-pure',
  setup(build) {
    build.onResolve({ filter: /^@huggingface\/tasks$/ }, () => ({ path: fileURLToPath(import.meta.resolve('@huggingface/tasks')), sideEffects: false }));
  },
};

// The language client is its own bundle, loaded when the first benchmark-like file opens, so
// that windows which never open one do not load it (see src/bench/languageClientOnDemand.ts).
const languageClientApart = {
  name: 'language-client-apart',
  setup(build) {
    build.onResolve({ filter: /^\.\/languageClient$/ }, (args) => (/[\\/]src[\\/]bench$/.test(args.resolveDir) ? { path: './languageClient.js', external: true } : undefined));
  },
};

const node = {
  plugins: [difflibStrictMode, hfTasksPure],
  // jsonc-parser's "main" is a UMD build whose dynamic requires esbuild cannot follow; its ESM build bundles.
  mainFields: ['module', 'main'],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: !production,
  minify: production,
  logLevel: 'info',
};

const integrationTests = readdirSync('test/integration')
  .filter((f) => f.endsWith('.test.ts'))
  .map((f) => `test/integration/${f}`);

const builds = [
  // `import()` of the client becomes a plain require (the extension host loads CommonJS).
  { ...node, plugins: [...node.plugins, languageClientApart], supported: { 'dynamic-import': false }, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { ...node, entryPoints: ['src/bench/languageClient.ts'], outfile: 'dist/languageClient.js', external: ['vscode'] },
  { ...node, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js' },
  { ...node, entryPoints: ['src/server/main.ts'], outfile: 'dist/server.js' },
];
builds.push({
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: 'es2022',
  sourcemap: !production,
  minify: production,
  logLevel: 'info',
  entryPoints: ['webview-ui/src/main.ts'],
  outfile: 'dist/webview/main.js',
});
builds.push({ ...builds.at(-1), entryPoints: ['webview-ui/src/results.ts'], outfile: 'dist/webview/results.js' });
if (!production) {
  builds.push({
    ...node,
    entryPoints: ['test/integration/index.ts', ...integrationTests],
    outdir: 'dist-test/integration',
    external: ['vscode', 'mocha'],
  });
  builds.push({ ...node, entryPoints: ['test/fake-ollama/serve.ts'], outfile: 'dist-test/fake-ollama-serve.js' });
}

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
