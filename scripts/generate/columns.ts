/**
 * Column storage for a kind of record: one typed array per attribute, one row per record. A
 * million students then cost tens of megabytes instead of the gigabytes a million objects would
 * (the generator must stay well under 2 GB at 1M students).
 */
type ColumnConstructor = Uint8ArrayConstructor | Uint16ArrayConstructor | Int32ArrayConstructor | Float64ArrayConstructor;
export type ColumnSpec = Readonly<Record<string, ColumnConstructor>>;
export type Columns<S extends ColumnSpec> = { [K in keyof S]: InstanceType<S[K]> };

export function allocateColumns<S extends ColumnSpec>(spec: S, capacity: number): Columns<S> {
  const columns: Record<string, unknown> = {};
  for (const [name, Constructor] of Object.entries(spec)) columns[name] = new Constructor(capacity);
  return columns as Columns<S>;
}

/** A copy of the first `count` rows with room for `capacity` rows: derived snapshots never touch the base. */
export function copyColumns<S extends ColumnSpec>(spec: S, from: Columns<S>, count: number, capacity: number): Columns<S> {
  const columns = allocateColumns(spec, capacity);
  for (const name of Object.keys(spec) as (keyof S)[]) {
    const target = columns[name] as unknown as { set(source: ArrayLike<number>): void };
    const source = from[name] as unknown as { subarray(start: number, end: number): ArrayLike<number> };
    target.set(source.subarray(0, count));
  }
  return columns;
}

/** Reads row `row` of a column; rows come from loops bounded by the table's count, so a miss is a bug. */
export function cell(column: ArrayLike<number>, row: number): number {
  const value = column[row];
  if (value === undefined) throw new RangeError(`row ${row} is outside its column (length ${column.length})`);
  return value;
}
