// The JSON schema VS Code validates *.m1trace.json with (media/m1trace.schema.json, kept by hand
// for its descriptions) names the same fields, and requires the same ones, as the zod schema
// every reader checks traces with.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod/mini';
import { traceSchema } from '../../src/core/traces/parse';

interface Node {
  properties?: Record<string, Node>;
  required?: string[];
  items?: Node;
  additionalProperties?: Node | boolean;
}

/** Every object in a schema as "path: fields | required", walked through properties and items. */
function shape(node: Node, path = '$', out: string[] = []): string[] {
  if (node.properties) {
    const names = Object.keys(node.properties).sort();
    out.push(`${path}: ${names.join(',')} | ${[...(node.required ?? [])].sort().join(',')}`);
    for (const name of names) shape(node.properties[name]!, `${path}.${name}`, out);
  }
  if (node.items) shape(node.items, `${path}[]`, out);
  if (typeof node.additionalProperties === 'object') shape(node.additionalProperties, `${path}{}`, out);
  return out;
}

describe('trace JSON schema', () => {
  it('has the fields and required fields of the zod schema, at every level', () => {
    const file = JSON.parse(readFileSync(join(__dirname, '..', '..', 'media', 'm1trace.schema.json'), 'utf8')) as Node;
    const fromZod = z.toJSONSchema(traceSchema, { io: 'input' }) as Node;
    assert.deepEqual(shape(file), shape(fromZod));
  });
});
