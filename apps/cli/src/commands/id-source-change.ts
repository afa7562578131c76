import type { SyncSummary } from '@roster-ledger/domain';
import type { SyncAndItsDistrict } from './recent-district-syncs';

/** Where a sync's record ids come from: Clever's own ids (the Data API, its JSON files), or ids made from SIS ids (an SFTP CSV upload). */
const idsOf = (sync: SyncSummary): 'sis' | 'clever' => (sync.source === 'sftp-csv' ? 'sis' : 'clever');

/**
 * The district's last sync that recorded something, when its ids came from the other source than
 * this sync's: an SFTP CSV upload imported into a district synced from Clever's API (or the other
 * way round) reads every person and section as removed and shared again under other ids, which
 * the mass-change guard holds as a replacement without saying why. Null when the sources agree,
 * the sync changed nothing, or the ledger cannot say.
 */
export function idSourceChange(around: SyncAndItsDistrict | null): { mine: SyncSummary; last: SyncSummary } | null {
  if (around === null) return null;
  const { mine, recent } = around;
  const changes = Object.values(mine.counts).reduce((sum, n) => sum + n, 0);
  // an events sync removes nothing for being absent: only a whole view replaces ids
  if (mine.source === 'clever-events' || (mine.status !== 'completed' && mine.status !== 'held') || changes === 0) return null;
  const last = recent.find((s) => s.syncId !== mine.syncId && s.status === 'completed' && s.appended > 0 && s.startedAt <= mine.startedAt);
  return last !== undefined && idsOf(last) !== idsOf(mine) ? { mine, last } : null;
}

/** The report's lines for it. */
export function idSourceChangeLines(change: { mine: SyncSummary; last: SyncSummary } | null): string[] {
  if (change === null) return [];
  const { mine, last } = change;
  const describe = (s: SyncSummary) => (idsOf(s) === 'sis' ? `ids made from SIS ids (${s.source})` : `Clever's own ids (${s.source})`);
  const undo = mine.status === 'held' ? 'discard it' : "sync the district from its usual source again, which shares its records again";
  return [
    `  Note: this sync's records have ${describe(mine)}, but the district's last sync that recorded changes, ${last.syncId}, had ${describe(last)}:`,
    `  the same people and sections read as removed and shared again under other ids. If that is not meant, ${undo}.`,
  ];
}
