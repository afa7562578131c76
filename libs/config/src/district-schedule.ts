/**
 * When a district syncs on its own: every fixed interval (`"10m"`, `"6h"`, `"1d"`; `"30s"` for
 * tests), or once a day at a time of day in UTC (`"02:00"`). UTC, so a schedule means the same
 * on every server and does not jump twice a year.
 */
export type SyncSchedule =
  | { kind: 'every'; ms: number; text: string }
  | { kind: 'daily'; hour: number; minute: number; text: string };

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
/** Longer than this, a timer would overflow (Node's setTimeout takes 32-bit milliseconds). */
const MAX_INTERVAL_MS = 24 * 86_400_000;

/** The schedule a text names, or what is wrong with it. */
export function parseSchedule(text: string): SyncSchedule | { problem: string } {
  const trimmed = text.trim();
  const every = /^(\d{1,6})\s*(s|m|h|d)$/.exec(trimmed);
  if (every) {
    const ms = Number(every[1]) * UNIT_MS[every[2] as keyof typeof UNIT_MS];
    if (ms < 1_000) return { problem: `"${trimmed}": an interval must be at least 1s` };
    if (ms > MAX_INTERVAL_MS) return { problem: `"${trimmed}": an interval must be at most 24d` };
    return { kind: 'every', ms, text: trimmed };
  }
  const daily = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(trimmed);
  if (daily) return { kind: 'daily', hour: Number(daily[1]), minute: Number(daily[2]), text: trimmed };
  return { problem: `"${trimmed.slice(0, 40)}" is not a schedule: use an interval such as "10m", "6h", "1d" (units s, m, h, d) or a time of day in UTC such as "02:00"` };
}

/** The first run strictly after `now`: one interval later, or the next occurrence of the time of day (UTC). */
export function nextRunAfter(schedule: SyncSchedule, now: Date): Date {
  if (schedule.kind === 'every') return new Date(now.getTime() + schedule.ms);
  const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), schedule.hour, schedule.minute));
  if (next.getTime() <= now.getTime()) next.setUTCDate(next.getUTCDate() + 1);
  return next;
}

/** How a person reads a schedule: `every 10m`, `daily at 02:00 UTC`. */
export function describeSchedule(schedule: SyncSchedule): string {
  return schedule.kind === 'every' ? `every ${schedule.text}` : `daily at ${schedule.text} UTC`;
}
