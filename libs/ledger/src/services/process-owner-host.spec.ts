import { sameProcess, thisProcess } from './process-owner';

// the machine's name as this spec says it is: changed below, as an administrator might while a server runs
let machineName = 'host-before';
jest.mock('node:os', () => ({ ...jest.requireActual<typeof import('node:os')>('node:os'), hostname: () => machineName }));

describe('a process whose machine is renamed while it runs', () => {
  it('keeps the host name it first gave, so that it still releases what it noted under that name', () => {
    const before = thisProcess();
    machineName = 'host-after';
    const after = thisProcess();
    expect(before.host).toBe('host-before');
    expect(after).toEqual(before);
    expect(sameProcess(after, before)).toBe(true);
  });
});
