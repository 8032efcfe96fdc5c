// GPU memory, to tell which m1 build fits: nvidia-smi's total memory of the largest GPU.
import { execFile } from 'node:child_process';

/** `nvidia-smi --query-gpu=memory.total --format=csv,noheader,nounits` output (MiB a line) → GiB of the largest GPU. */
export function parseNvidiaSmi(output: string): number | undefined {
  const mib = output
    .split('\n')
    .map((l) => Number(l.trim()))
    .filter((n) => Number.isFinite(n) && n > 0);
  return mib.length ? Math.max(...mib) / 1024 : undefined;
}

export function detectVramGiB(binary = 'nvidia-smi'): Promise<number | undefined> {
  return new Promise((resolve) => {
    execFile(binary, ['--query-gpu=memory.total', '--format=csv,noheader,nounits'], { timeout: 5000 }, (err, stdout) => resolve(err ? undefined : parseNvidiaSmi(stdout)));
  });
}

/** "fits your 24 GB GPU" / "needs ≈ 22 GB, your GPU has 8 GB" / "" when unknown. */
export function fitNote(neededGiB: number, vramGiB: number | undefined): string {
  if (vramGiB === undefined) return '';
  return neededGiB <= vramGiB ? `fits your ${Math.round(vramGiB)} GB GPU` : `needs ≈ ${Math.round(neededGiB)} GB, your GPU has ${Math.round(vramGiB)} GB`;
}
