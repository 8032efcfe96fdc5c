// Argument checks shared by the CLI's commands.

/** A mistake in the command line: exit code 2 and a one-line message. */
export class UsageError extends Error {}

export function intArg(name: string, value: string | undefined, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer ≥ ${min}, got "${value}"`);
  return n;
}
