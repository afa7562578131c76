import { hostname } from 'node:os';
import { Logger } from '@nestjs/common';
import type { ReadModelFiles } from './read-model-files';
import { SqliteProjectionControl, type BulkOptions, type SecondThread } from './sqlite-projection-control';
import { LiveProjectionRunner } from './live-projection-runner';
import { SQLITE_PROJECTIONS } from './projections/catalog';
import { LogEventStore } from '../spec-support/log-event-store';
import { rosterStory } from '../spec-support/roster-story';
import { scratchReadModelFiles } from '../spec-support/scratch-read-model-files';

const NAMES = SQLITE_PROJECTIONS.map((p) => p.name);
/** Log positions this far apart: a few events put the read models as far behind as a command rebuilds in bulk (100,000 events, more than they hold). */
const STEP = 5_000;
/** A process id that is always alive and never this one (init): a builder at work elsewhere. */
const ALIVE_ELSEWHERE = 1;
/** A process id past any Linux allows: a builder that has died. */
const DEAD = 2 ** 22 + 1;

/**
 * `serve` folds live only (bulkCatchUpFrom Infinity): a sync as far behind as a command rebuilds
 * in bulk is left to the other process rebuilding every such read model to swap it in, not
 * folded a second time; a dry run, a rebuild of some of them, or a builder that died is not
 * waited for.
 */
describe('a live-only catch-up and a rebuild in another process', () => {
  const { beside } = scratchReadModelFiles('roster-ledger-left-');

  /** Notes a rebuild of these read models by process `pid` (a dry run with `dry`), as a command's rebuild notes it. */
  const noteBuild = (files: ReadModelFiles, names: readonly string[], pid: number, dry = false) => {
    for (const name of names) {
      files
        .of(name)
        .prepare('UPDATE projection_state SET building_version = 99, build_pid = ?, build_host = ?, build_dry = ? WHERE name = ?')
        .run(pid, hostname(), dry ? 1 : null, name);
    }
  };

  /** A server's read models caught up with the first events of the story, and the rest of it appended after: a large sync to fold. */
  const serverBehind = async (options: BulkOptions & { secondThread?: SecondThread } = {}, store = new LogEventStore([])) => {
    const { events } = rosterStory(STEP);
    store.add(...events.slice(0, 10));
    const files = beside();
    const server = new SqliteProjectionControl(files, store, SQLITE_PROJECTIONS, 10, { bulkCatchUpFrom: Infinity, ...options });
    await server.catchUp();
    const before = (await server.status()).map((s) => s.position);
    store.add(...events.slice(10));
    return { server, files, store, before, head: events[events.length - 1]!.position, appended: events.length - 10 };
  };

  it('notes a dry run as one: it swaps nothing in', async () => {
    const { events } = rosterStory(STEP);
    const files = beside();
    const cli = new SqliteProjectionControl(files, new LogEventStore(events), SQLITE_PROJECTIONS, 10, {});
    await cli.catchUp();
    const seen: unknown[] = [];
    const row = () => files.of('accounts').prepare("SELECT building_version IS NOT NULL AS building, build_dry FROM projection_state WHERE name = 'accounts'").get();
    const onProgress = () => {
      if (seen.length === 0) seen.push(row());
    };
    await cli.rebuild(['accounts'], { dryRun: true, onProgress });
    seen.push(row());
    await cli.rebuild(['accounts'], { onProgress: () => seen.length === 2 && seen.push(row()) });
    expect(seen).toEqual([{ building: 1, build_dry: 1 }, { building: 0, build_dry: null }, { building: 1, build_dry: null }]);
  });

  it('leaves the sync to a process rebuilding every read model it is far behind in, folding none of them', async () => {
    const { server, files, before } = await serverBehind();
    noteBuild(files, NAMES, ALIVE_ELSEWHERE);
    expect([await server.catchUp(), server.foldedElsewhere()]).toEqual([0, true]);
    expect((await server.status()).map((s) => s.position)).toEqual(before);
  });

  for (const [what, names, dry] of [
    ['a dry run of every one, which swaps nothing in', NAMES, true],
    ['a rebuild of one of them alone', ['accounts'], false],
  ] as const) {
    it(`folds the sync itself, every read model, beside ${what}`, async () => {
      const { server, files, head, appended } = await serverBehind();
      noteBuild(files, names, ALIVE_ELSEWHERE, dry);
      expect([await server.catchUp(), server.foldedElsewhere()]).toEqual([appended, false]);
      expect((await server.status()).map((s) => s.position)).toEqual(NAMES.map(() => head));
    });
  }

  it('says it folded the sync when both halves of a catch-up on two threads committed it, though a build elsewhere was noted meanwhile', async () => {
    const store = new LogEventStore([]);
    let armed = false;
    let files: ReadModelFiles | null = null;
    const half = (names: string[], options: BulkOptions) =>
      new SqliteProjectionControl(beside(names), store, SQLITE_PROJECTIONS.filter((p) => names.includes(p.name)), 10, options);
    const secondThread: SecondThread = {
      rebuild: (names, options) => half(names, {}).rebuild(names, options),
      verify: (names, options) => half(names, { bulkBatchSize: options.bulkBatchSize }).verifyCaughtUp(names, options.onProgress, { claimed: true }),
      catchUp: (names, options) =>
        half(names, { bulkCatchUpFrom: options.bulkCatchUpFrom }).catchUp(options.onProgress, () => options.stop.aborted, {
          until: options.until,
          barrier: {
            ready: () => {
              // this half is folded; the first waits for it, and a command notes its build now
              if (armed && files !== null) noteBuild(files, NAMES, ALIVE_ELSEWHERE);
              return options.beforeCommit();
            },
            decided: () => undefined,
          },
        }),
    };
    const behind = await serverBehind({ twoThreadCatchUpFrom: 1, secondThread }, store);
    files = behind.files;
    armed = true;
    expect([await behind.server.catchUp(), behind.server.foldedElsewhere()]).toEqual([behind.appended, false]);
    expect((await behind.server.status()).map((s) => s.position)).toEqual(NAMES.map(() => behind.head));
  });

  it('says once that it left the sync, and that it folded it itself when the builder died', async () => {
    const { server, files, store, head, appended } = await serverBehind();
    const lines: string[] = [];
    const logged = jest.spyOn(Logger.prototype, 'log').mockImplementation((message: unknown) => void lines.push(String(message)));
    // a batch of 10 events, so the sync is a catch-up's and its lines are logged
    const runner = new LiveProjectionRunner(server, store, 10, 20, 200);
    try {
      noteBuild(files, NAMES, ALIVE_ELSEWHERE);
      runner.start();
      for (const until = Date.now() + 5_000; !lines.some((l) => l.includes('left to it')) && Date.now() < until; ) await new Promise((r) => setTimeout(r, 50));
      // looked at again each second, said once
      await new Promise((r) => setTimeout(r, 2_500));
      noteBuild(files, NAMES, DEAD);
      for (const until = Date.now() + 5_000; (await server.status()).some((s) => s.position < head) && Date.now() < until; ) await new Promise((r) => setTimeout(r, 50));
    } finally {
      await runner.stop();
      logged.mockRestore();
    }
    expect(lines).toEqual([
      `folding ${(appended * STEP).toLocaleString('en-US')} events into the read models; until they are folded, queries answer from before them`,
      'another process is folding those events into the read models: left to it',
      expect.stringMatching(new RegExp(`^read models caught up: ${appended} events folded here in \\d+\\.\\d s$`)),
    ]);
  });
});
