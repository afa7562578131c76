import type { RebuildResult } from '@roster-ledger/ledger';
import { columnWidth } from './column-width';

/**
 * How two versions of a read model differ, as counted: rows of each that the other lacks, so a
 * row changed counts twice (its old form on one side, its new form on the other).
 */
export function rowsApart(n: number): string {
  return `${n} ${n === 1 ? 'row' : 'rows'} in one version and not the other`;
}

/** What `rebuild` says of a rebuild (or a dry run) that ended: one line each. */
export function rebuildReport(result: RebuildResult): string[] {
  const lines: string[] = [];
  const rate = Math.round(result.events / Math.max(result.seconds, 0.001)).toLocaleString('en-US');
  // the events folded (a resumed build folds only what it had left), over the whole time,
  // index builds included: the progress bar's rate is the folding's alone
  // a resumed build that had folded the whole log has no rate to give: it only made itself live
  const from = ([name, position]: [string, number]) => `${name} after position ${position.toLocaleString('en-US')}`;
  const resumed = Object.entries(result.resumedFrom).filter(([name, position]) => position > 0 && result.joined[name] === undefined);
  // a resumed build's count is of this run's folding, not the read model's whole log
  const count = `${result.events.toLocaleString('en-US')} events of the log${resumed.length > 0 ? ' in this run' : ''}`;
  const folded = result.events === 0 ? 'no events left to fold' : `folded ${count} (${rate} events/s with the index builds)`;
  lines.push(`Rebuilt ${result.projections.join(', ')} in ${result.seconds.toFixed(1)} s: ${folded}.`);
  if (resumed.length > 0) lines.push(`Resumed where an interrupted rebuild stopped: ${resumed.map(from).join(', ')}.`);
  for (const [pid, names] of groupedByBuilder(result.joined)) {
    lines.push(`Joined the rebuild process ${pid} is running: ${names.map((name) => from([name, result.resumedFrom[name]!])).join(', ')} (both build the same version; whichever ends first makes it live).`);
  }
  if (result.swapped) {
    lines.push(`Now live: ${Object.entries(result.version).map(([n, v]) => `${n} v${v}`).join(', ')}.`);
    return lines;
  }
  const first = result.rebuiltFirst ?? [];
  if (first.length > 0) {
    lines.push(`Caught up first: ${first.join(', ')} ${first.length === 1 ? 'was' : 'were'} far behind the log, so rebuilt from it and swapped in, as any command reading the read models does; this dry run compares with that.`);
  }
  const width = columnWidth(Object.keys(result.differences ?? {}), 12);
  for (const [name, n] of Object.entries(result.differences ?? {})) {
    lines.push(`  ${name.padEnd(width)} ${n === 0 ? 'equal to the live read model' : n < 0 ? 'live read model is behind; not compared' : `${rowsApart(n)}, against the live read model`}`);
  }
  // a dry run drops what it built, but keeps an interrupted rebuild it resumed
  const kept = result.kept ?? [];
  const keptNote =
    kept.length > 0
      ? ` The interrupted rebuild of ${kept.join(', ')} was finished for the comparison and kept: the next rebuild folds only what the log has gained since, and swaps it in.`
      : '';
  lines.push(`Dry run: the live read models were not replaced.${keptNote}`);
  return lines;
}

/** The projections another process was rebuilding, by that process (`pid` on `host`). */
function groupedByBuilder(joined: RebuildResult['joined']): Map<string, string[]> {
  const by = new Map<string, string[]>();
  for (const [name, builder] of Object.entries(joined)) {
    const key = `${builder.pid} on ${builder.host}`;
    by.set(key, [...(by.get(key) ?? []), name]);
  }
  return by;
}
