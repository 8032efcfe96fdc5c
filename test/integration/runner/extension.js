// Test-runner extension for code-server, where the extension-development flags do not work:
// it runs the integration suites in this extension host and writes the results to the file
// named by M1_TEST_RESULTS (see test/harness/integration.ts).
const fs = require('node:fs');

exports.activate = async function activate() {
  const out = process.env.M1_TEST_RESULTS;
  const entry = process.env.M1_TEST_ENTRY;
  if (!out || !entry) return;
  let results;
  try {
    results = await require(entry).runWithResults();
  } catch (e) {
    results = { passed: 0, failed: 1, tests: [{ title: 'integration runner', state: 'failed', error: String((e && e.stack) || e) }] };
  }
  results.trusted = require('vscode').workspace.isTrusted;
  fs.writeFileSync(out, JSON.stringify(results));
};
