import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binNodeFlags } from '../scripts/bench/bin-node-flags';

// the bench starts each step as `node <flags> bin/roster-ledger ...`, which skips the shebang:
// it must pass the flags users' runs get, or it times a process with another heap
describe('the Node flags the bench runs the CLI with', () => {
  const folder = mkdtempSync(join(tmpdir(), 'bin-flags-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  const binWith = (firstLine: string) => {
    const bin = join(folder, 'roster-ledger');
    writeFileSync(bin, `${firstLine}\nrequire('x');\n`);
    return bin;
  };

  it('are those of the shebang, after node', () => {
    expect(binNodeFlags(binWith('#!/usr/bin/env -S node --max-semi-space-size=32 --stack-size=2000'))).toEqual(['--max-semi-space-size=32', '--stack-size=2000']);
    expect(binNodeFlags(binWith('#!/usr/bin/env node'))).toEqual([]);
  });

  it('are flags node takes, read from the real bin/roster-ledger', () => {
    const flags = binNodeFlags();
    const script = 'console.log(JSON.stringify(process.execArgv))';
    const run = spawnSync(process.execPath, [...flags, '-e', script]);
    expect({ status: run.status, execArgv: JSON.parse(run.stdout.toString()) }).toEqual({ status: 0, execArgv: [...flags, '-e', script] });
  });

  it('refuses a bin whose first line does not run node, rather than time it without its flags', () => {
    expect(() => binNodeFlags(binWith('#!/bin/sh'))).toThrow(/does not start with a node shebang: #!\/bin\/sh/);
  });
});
