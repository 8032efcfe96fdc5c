// No handler of the language server may take it down: what a repository's files make a handler
// throw is logged and answered with "nothing" (null), which every LSP request allows.
import type { Connection } from 'vscode-languageserver';

type Handler = (...args: unknown[]) => unknown;

/** The connection, with every handler registered through its on… methods guarded. */
export function guarded(connection: Connection): Connection {
  const report = (what: string, e: unknown) => connection.console.error(`m1 language server: ${what} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  const wrap = (what: string, f: Handler): Handler =>
    function (this: unknown, ...args: unknown[]) {
      try {
        const out = f.apply(this, args);
        return out instanceof Promise ? out.catch((e: unknown) => (report(what, e), null)) : out;
      } catch (e) {
        report(what, e);
        return null;
      }
    };
  return new Proxy(connection, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      if (typeof prop === 'string' && /^on[A-Z]/.test(prop)) return (...args: unknown[]) => (value as Handler).apply(target, args.map((a) => (typeof a === 'function' ? wrap(prop, a as Handler) : a)));
      return (value as Handler).bind(target);
    },
  });
}
