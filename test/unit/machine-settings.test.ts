import assert from 'node:assert/strict';
import { hostHint, resolveHost, settingInFile, withSetting } from '../../src/core/machineSettings';

describe('machine settings: which Ollama host, from where', () => {
  it('takes the setting first, then OLLAMA_HOST, then the default, and says which', () => {
    assert.deepEqual(resolveHost('gpu-box', false, { OLLAMA_HOST: 'other:1' }), { host: 'http://gpu-box:11434', origin: 'user settings' });
    assert.deepEqual(resolveHost('http://10.0.0.5:11434', true, {}), { host: 'http://10.0.0.5:11434', origin: 'remote settings' });
    assert.deepEqual(resolveHost('  ', false, { OLLAMA_HOST: '0.0.0.0:9000' }), { host: 'http://127.0.0.1:9000', origin: 'OLLAMA_HOST' });
    assert.deepEqual(resolveHost(undefined, false, {}), { host: 'http://127.0.0.1:11434', origin: 'default' });
    assert.deepEqual(resolveHost(42, false, {}), { host: 'http://127.0.0.1:11434', origin: 'default' }, 'a value of the wrong type is not a host');
  });

  it('names the machine, the host and its origin in the hint of a "cannot reach" message', () => {
    const remote = hostHint({ host: 'http://127.0.0.1:11434', origin: 'default' }, 'gpu-box', 'ssh-remote');
    assert.match(remote, /^m1 runs on gpu-box \(the ssh-remote side of this window\)/);
    assert.match(remote, /http:\/\/127\.0\.0\.1:11434, the default/);
    assert.match(remote, /m1: Set Ollama Host for This Machine/);
    assert.match(hostHint({ host: 'http://a:1', origin: 'user settings' }, 'laptop'), /^m1 runs on laptop: it uses http:\/\/a:1, from your user settings\./);
  });
});

describe('machine settings: the remote settings file', () => {
  const file = `// written by hand
{
  "workbench.colorTheme": "Default Dark Modern", // migrated by the workbench
  "m1.ollama.host": "http://gpu-box:11434",
}
`;

  it('reads a top-level setting from JSON with comments and trailing commas', () => {
    assert.equal(settingInFile(file, 'm1.ollama.host'), 'http://gpu-box:11434');
    assert.equal(settingInFile(file, 'm1.ollama.path'), undefined);
    assert.equal(settingInFile('[1]', 'm1.ollama.host'), undefined);
    assert.equal(settingInFile('', 'm1.ollama.host'), undefined);
    assert.equal(settingInFile('{"toString": 1}', 'constructor'), undefined, 'only own keys');
  });

  it('sets, replaces and removes the host, keeping comments and the other settings', () => {
    const replaced = withSetting(file, 'm1.ollama.host', 'http://127.0.0.1:11500');
    assert.equal(settingInFile(replaced, 'm1.ollama.host'), 'http://127.0.0.1:11500');
    assert.equal(settingInFile(replaced, 'workbench.colorTheme'), 'Default Dark Modern');
    assert.match(replaced, /\/\/ written by hand/);
    assert.match(replaced, /\/\/ migrated by the workbench/);
    const removed = withSetting(replaced, 'm1.ollama.host', undefined);
    assert.equal(settingInFile(removed, 'm1.ollama.host'), undefined);
    assert.equal(settingInFile(removed, 'workbench.colorTheme'), 'Default Dark Modern');
    assert.deepEqual(JSON.parse(withSetting('', 'm1.ollama.host', 'http://a:1')), { 'm1.ollama.host': 'http://a:1' });
  });

  it('refuses to rewrite a file that is not valid JSON, rather than lose what is in it', () => {
    assert.throws(() => withSetting('{ "a": ', 'm1.ollama.host', 'http://a:1'), /not valid JSON/);
  });
});
