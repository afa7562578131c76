import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const REGISTER = resolve(__dirname, '../../../../bin/register.js');
const ON_CTRL_C = resolve(__dirname, 'on-ctrl-c.ts');

/**
 * A process that sets handlers as `script` says, run to its end: `signal()` sends it SIGINT at
 * once and returns when the signal is pending (sent by a process this one waits for, as a Ctrl-C
 * comes while the main thread is in a long SQLite call), not yet dispatched.
 */
function run(script: string): { status: number | null; signal: NodeJS.Signals | null; stderr: string } {
  const child = spawnSync(
    process.execPath,
    [
      '-e',
      `require(${JSON.stringify(REGISTER)});
       const { onCtrlC } = require(${JSON.stringify(ON_CTRL_C)});
       const signal = () => require('node:child_process').execFileSync('kill', ['-INT', String(process.pid)]);
       ${script}
       setTimeout(() => process.exit(0), 1500);`,
    ],
    { encoding: 'utf8', timeout: 30_000 },
  );
  return { status: child.status, signal: child.signal, stderr: child.stderr };
}

describe('onCtrlC', () => {
  it('tells a Ctrl-C pressed while the main thread was busy by the handler set when it is dispatched, the next phase\'s', () => {
    // the handover from one phase's handler to the next, as the call the signal came in returns
    const handedOver = run(`const letGo = onCtrlC('during the sync'); signal(); letGo(); onCtrlC('after the sync');`);
    expect(handedOver).toEqual({ status: 130, signal: null, stderr: '\nafter the sync\n' });
  });

  it('gives a signal back to the handler before it once the phase lets go', () => {
    const nested = run(`onCtrlC('outer'); const letGo = onCtrlC('inner'); letGo(); signal();`);
    expect(nested).toEqual({ status: 130, signal: null, stderr: '\nouter\n' });
  });

  it('never gives a signal back to a handler let go, whatever the order phases let go in', () => {
    const outOfOrder = run(`onCtrlC('outer'); const a = onCtrlC('phase a'); const b = onCtrlC('phase b'); a(); b(); signal();`);
    expect(outOfOrder).toEqual({ status: 130, signal: null, stderr: '\nouter\n' });
  });

  it('leaves a signal no phase handles to end the process as it would unhandled', () => {
    const unhandled = run(`const letGo = onCtrlC('during the sync'); signal(); letGo();`);
    expect(unhandled).toMatchObject({ status: null, signal: 'SIGINT', stderr: '' });
  });
});
