import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * The Node flags `./bin/roster-ledger` runs with, read from its shebang
 * (`#!/usr/bin/env -S node --max-semi-space-size=64`). The bench starts the CLI as
 * `node <flags> bin/roster-ledger ...` to time each step in a process of its own, which skips the
 * shebang: without its flags every step would run with a heap other than the one users get.
 */
export function binNodeFlags(bin = resolve(__dirname, '../../bin/roster-ledger')): string[] {
  const shebang = readFileSync(bin, 'utf8').split('\n', 1)[0]!;
  const words = shebang.split(/\s+/);
  const node = words.indexOf('node');
  if (!shebang.startsWith('#!') || node < 0) throw new Error(`${bin} does not start with a node shebang: ${shebang}`);
  return words.slice(node + 1).filter((word) => word !== '');
}
