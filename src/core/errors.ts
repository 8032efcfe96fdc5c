// Errors a user can act on. Each has a code the UI maps to an action (start server, pull model…)
// and a message that already says what to do.

export type M1ErrorCode =
  | 'unreachable'
  | 'model-not-found'
  | 'busy'
  | 'stream-error'
  | 'stream-cut'
  | 'server-too-old'
  | 'http'
  | 'cancelled'
  | 'write-failed'
  | 'bad-input';

export class M1Error extends Error {
  override readonly name = 'M1Error';
  constructor(
    readonly code: M1ErrorCode,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export function isAbortError(e: unknown): boolean {
  return (
    (e instanceof M1Error && e.code === 'cancelled') ||
    (e instanceof Error && (e.name === 'AbortError' || e.name === 'TimeoutError'))
  );
}

export function cancelled(): M1Error {
  return new M1Error('cancelled', 'Cancelled.');
}
