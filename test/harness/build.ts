// Builds the bundles and the .vsix once per test run.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');
export const VSIX = join(ROOT, 'dist', 'm1-vscode.vsix');
export const EXTENSION_ID = 'm1-medical.m1-vscode';

export function ensurePackaged(): string {
  if (!existsSync(VSIX) || process.env.M1_REBUILD !== '0') {
    execFileSync('npm', ['run', '--silent', 'package'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    execFileSync('node', ['scripts/build.mjs'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  return VSIX;
}
