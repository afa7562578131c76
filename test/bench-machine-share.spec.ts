import { cpuCounters, parseCpuCounters, shareBetween } from '../scripts/bench/machine-share';

// what the bench prints beside each step's time: how much of the machine the host took away
describe('the machine share a bench step ran with', () => {
  const stat = (user: number, system: number, idle: number, iowait: number, steal: number) =>
    `cpu  ${user} 0 ${system} ${idle} ${iowait} 0 0 ${steal} 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\nintr 1 2 3\n`;

  it('reads the whole machine, not one core, from /proc/stat', () => {
    expect(parseCpuCounters(stat(100, 20, 300, 10, 50))).toEqual({ busy: 120, idle: 310, steal: 50 });
  });

  it('has no counters in text without the machine line', () => {
    expect(parseCpuCounters('intr 1 2 3\n')).toBeNull();
  });

  it('tells the share the host stole and how many cores were busy between two readings', () => {
    // 10 s on 2 cores at 100 ticks a second: 2,000 ticks, of which 500 stolen and 1,200 busy
    const share = shareBetween(parseCpuCounters(stat(1000, 200, 5000, 0, 100)), parseCpuCounters(stat(2000, 400, 5300, 0, 600)), 10);
    expect(share).toEqual({ stealPercent: 25, busyCores: 1.2 });
  });

  it('says nothing when a reading is missing or no time passed', () => {
    const counters = parseCpuCounters(stat(1, 1, 1, 1, 1));
    expect(shareBetween(null, counters, 5)).toBeNull();
    expect(shareBetween(counters, null, 5)).toBeNull();
    expect(shareBetween(counters, counters, 0)).toBeNull();
  });

  const linux = process.platform === 'linux';
  (linux ? it : it.skip)('reads this machine’s counters, which only grow', () => {
    const before = cpuCounters()!;
    let spin = 0;
    for (const end = Date.now() + 50; Date.now() < end; ) spin++;
    const after = cpuCounters()!;
    expect(spin).toBeGreaterThan(0);
    expect(after.busy + after.idle + after.steal).toBeGreaterThan(before.busy + before.idle + before.steal);
  });
  if (!linux) console.log(`skipped: reading /proc/stat needs Linux (this is ${process.platform})`);
});
