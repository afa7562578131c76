import { hostname } from 'node:os';
import { liveElsewhere, ownerAlive, sameProcess, thisProcess } from './process-owner';

/** Starts are read from /proc: Linux's, the machines this runs on. */
const linux = process.platform === 'linux';
if (!linux) console.log(`process-owner spec: no /proc on ${process.platform}, so the checks of processes' starts are skipped`);
const onLinux = linux ? it : it.skip;

describe('process owners: who holds a lock or builds a read model, and whether it still may', () => {
  const me = thisProcess();

  onLinux("notes this process's start", () => {
    expect(me).toEqual({ pid: process.pid, host: hostname(), started: expect.stringMatching(/^[0-9a-f-]+:\d+$/) });
  });

  onLinux('takes a process of the same id that started at another moment for a dead owner (an id reused, as by a server restarted in its container)', () => {
    expect(ownerAlive(me)).toBe(true);
    expect(ownerAlive({ ...me, started: `${me.started!.split(':')[0]}:1` })).toBe(false);
    expect(liveElsewhere({ ...me, started: 'another-boot:1' })).toBe(false);
  });

  it('judges an owner whose start is not known (noted before starts were) by its id alone', () => {
    expect(ownerAlive({ pid: process.pid, host: hostname() })).toBe(true);
    expect(ownerAlive({ pid: 2 ** 22 + 1, host: hostname() })).toBe(false);
    // another host cannot be checked from here
    expect(ownerAlive({ pid: 2 ** 22 + 1, host: `not-${hostname()}` })).toBe(true);
  });

  onLinux('tells one process from another by id, host and, when both know it, start', () => {
    expect(sameProcess(me, thisProcess())).toBe(true);
    expect(sameProcess(me, { pid: me.pid, host: me.host })).toBe(true);
    expect(sameProcess(me, { ...me, started: 'another-boot:1' })).toBe(false);
    expect(sameProcess(me, { ...me, pid: me.pid + 1 })).toBe(false);
    expect(liveElsewhere(me)).toBe(false);
  });
});
