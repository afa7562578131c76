import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { liveElsewhere, ownerAlive, sameProcess, thisProcess } from './process-owner';

/** Starts are read from /proc: Linux's, the machines this runs on. */
const linux = process.platform === 'linux';
if (!linux) console.log(`process-owner spec: no /proc on ${process.platform}, so the checks of processes' starts are skipped`);
const onLinux = linux ? it : it.skip;

describe('process owners: who holds a lock or builds a read model, and whether it still may', () => {
  const me = thisProcess();

  /** This process's start as noted, with some of its parts replaced. */
  const startWith = (parts: { pid?: number; namespace?: string; boot?: string; ticks?: string }) => {
    const [pid, namespace, boot, ticks] = me.started!.split('/');
    return [parts.pid ?? pid, parts.namespace ?? namespace, parts.boot ?? boot, parts.ticks ?? ticks].join('/');
  };

  onLinux("notes this process's start: its id, its process-id namespace, the machine's boot and the moment since", () => {
    expect(me).toEqual({ pid: process.pid, host: hostname(), started: expect.stringMatching(new RegExp(`^${process.pid}/pid:\\[\\d+\\]/[0-9a-f-]+/\\d+$`)) });
  });

  onLinux('takes a process of the same id that started at another moment, or before a reboot, for a dead owner (its id reused)', () => {
    expect(ownerAlive(me)).toBe(true);
    expect(ownerAlive({ ...me, started: startWith({ ticks: '1' }) })).toBe(false);
    expect(ownerAlive({ ...me, started: startWith({ boot: 'another-boot' }) })).toBe(false);
    expect(liveElsewhere({ ...me, started: startWith({ ticks: '1' }) })).toBe(false);
  });

  onLinux('cannot check, so takes for alive, an owner of another process-id namespace (another container sharing the volume and host name)', () => {
    const elsewhere = { pid: 2 ** 22 + 1, host: hostname() };
    expect(ownerAlive({ ...elsewhere, started: `${elsewhere.pid}/pid:[1]/${startWith({}).split('/')[2]}/1` })).toBe(true);
    expect(ownerAlive(elsewhere)).toBe(false);
  });

  onLinux("judges by its id alone an owner whose noted start is another process's (noted beside a release that notes none)", () => {
    expect(ownerAlive({ ...me, started: startWith({ pid: process.pid + 1, ticks: '1' }) })).toBe(true);
  });

  it('judges an owner whose start is not known (noted before starts were) by its id alone', () => {
    expect(ownerAlive({ pid: process.pid, host: hostname() })).toBe(true);
    expect(ownerAlive({ pid: 2 ** 22 + 1, host: hostname() })).toBe(false);
    // another host cannot be checked from here
    expect(ownerAlive({ pid: 2 ** 22 + 1, host: `not-${hostname()}` })).toBe(true);
  });

  onLinux('takes a process that was killed but not reaped (a zombie) for a dead owner: it can do no more work', async () => {
    // The shell's background child exits a second later, once the shell has become `sleep`,
    // which never reaps it. A child that exits at once can be reaped by the shell before its
    // exec, and then there is no zombie to look at.
    const parent = spawn('sh', ['-c', 'sleep 1 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const pid = Number(await new Promise<string>((resolve) => parent.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString()))));
      const zombie = { pid, host: hostname() };
      await waitFor(() => readState(pid) === 'Z');
      expect(ownerAlive(zombie)).toBe(false);
      expect(ownerAlive({ pid: parent.pid!, host: hostname() })).toBe(true);
    } finally {
      parent.kill('SIGKILL');
    }
  });

  onLinux('tells one process from another by id, host and, when both know it, start', () => {
    expect(sameProcess(me, thisProcess())).toBe(true);
    expect(sameProcess(me, { pid: me.pid, host: me.host })).toBe(true);
    expect(sameProcess(me, { ...me, started: startWith({ ticks: '1' }) })).toBe(false);
    expect(sameProcess(me, { ...me, pid: me.pid + 1 })).toBe(false);
    expect(liveElsewhere(me)).toBe(false);
  });
});

function readState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return undefined;
  }
}

async function waitFor(condition: () => boolean): Promise<void> {
  for (let tries = 0; !condition(); tries++) {
    if (tries > 200) throw new Error('condition not met in 10 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
