import type { FieldChanges, Fields } from '../records/fields';
import { applyFieldChanges, valueAt } from '../records/field-changes';
import type { RecordKind, UserRole } from '../records/roster-records';

/** Whose fields a path names: a record of a kind, or a user's role (a user's own fields go with the role that gives them). */
export type FieldOwner = RecordKind | UserRole;

/**
 * What a snapshot does not have of the kinds it covers, each with a label saying what was missing
 * (`staff.csv`, `students.csv Grade`), as `findings.kept` counts it. Left as the ledger has it: a
 * file or column that is not there says nothing (a Clever SFTP upload keeps an earlier file that
 * is not sent again), so reading it as "all removed" or "all cleared" would record what did not
 * happen.
 */
export interface PartialCoverage {
  /** User roles no file lists: a user's role of these is neither shared, updated nor removed. */
  roles?: Partial<Record<UserRole, string>>;
  /** Fields no file gives, by owner, then dotted path (its sub-fields included): a change to one is not recorded. */
  fields?: Partial<Record<FieldOwner, Record<string, string>>>;
}

/**
 * What neither `a` nor `b` gives: their roles and fields together. One of them undefined is the
 * other.
 */
export function bothCoverages(a: PartialCoverage | undefined, b: PartialCoverage | undefined): PartialCoverage | undefined {
  if (a === undefined || a === b) return b;
  if (b === undefined) return a;
  const both: PartialCoverage = {};
  if (a.roles !== undefined || b.roles !== undefined) both.roles = { ...a.roles, ...b.roles };
  if (a.fields !== undefined || b.fields !== undefined) {
    const fields: Partial<Record<FieldOwner, Record<string, string>>> = {};
    for (const owner of new Set([...Object.keys(a.fields ?? {}), ...Object.keys(b.fields ?? {})]) as Set<FieldOwner>) {
      fields[owner] = { ...a.fields?.[owner], ...b.fields?.[owner] };
    }
    both.fields = fields;
  }
  return both;
}

/**
 * `changes` without those to fields the snapshot does not give (`unread`, path to label); the
 * labels of what was dropped go into `dropped`.
 */
export function withoutUnread(changes: FieldChanges, unread: Record<string, string> | undefined, dropped: Set<string>): FieldChanges {
  if (unread === undefined) return changes;
  let kept: FieldChanges | undefined;
  for (const path of Object.keys(changes)) {
    const label = labelOf(unread, path);
    if (label === undefined) continue;
    kept ??= { ...changes };
    delete kept[path];
    dropped.add(label);
  }
  return kept ?? changes;
}

/**
 * `fields` with the unread paths it has no value at (`unread`, path to label) filled in from
 * `held`, what the ledger holds; the labels of those filled go into `kept`. For an event that
 * replaces what it is about (a known person's `*Shared` of a new role carries all of the person's
 * own fields): a file without a column must not clear what the ledger holds of it there either.
 */
export function withUnreadHeld(fields: Fields, held: Fields, unread: Iterable<[path: string, label: string]>, kept: Set<string>): Fields {
  let filled = fields;
  for (const [path, label] of unread) {
    const value = valueAt(held, path);
    if (value === undefined || valueAt(filled, path) !== undefined) continue;
    filled = applyFieldChanges(filled, { [path]: { from: null, to: value } });
    kept.add(label);
  }
  return filled;
}

/** The label of the unread field `path` is, or is under. */
function labelOf(unread: Record<string, string>, path: string): string | undefined {
  if (Object.hasOwn(unread, path)) return unread[path];
  for (let dot = path.lastIndexOf('.'); dot > 0; dot = path.lastIndexOf('.', dot - 1)) {
    const parent = path.slice(0, dot);
    if (Object.hasOwn(unread, parent)) return unread[parent];
  }
  return undefined;
}
