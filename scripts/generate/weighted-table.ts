import type { Prng } from './prng';

/**
 * A fixed distribution over a list of values. `draw` returns the index of a value, not the value,
 * so that students store one small number per attribute (typed arrays) instead of strings.
 */
export class WeightedTable<T> {
  readonly values: readonly T[];
  private readonly cumulative: Float64Array;
  private readonly total: number;

  constructor(entries: readonly (readonly [T, number])[]) {
    if (entries.length === 0) throw new RangeError('a weighted table needs at least one value');
    this.values = entries.map(([value]) => value);
    this.cumulative = new Float64Array(entries.length);
    let total = 0;
    entries.forEach(([, weight], i) => {
      if (!(weight >= 0)) throw new RangeError(`weight must be >= 0, got ${weight}`);
      total += weight;
      this.cumulative[i] = total;
    });
    if (total <= 0) throw new RangeError('a weighted table needs a positive total weight');
    this.total = total;
  }

  /** Index of a value, drawn with probability weight / total (binary search: name lists are long). */
  draw(prng: Prng): number {
    const target = prng.float() * this.total;
    let low = 0;
    let high = this.cumulative.length - 1;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.cumulative[mid] as number) > target) high = mid;
      else low = mid + 1;
    }
    return low;
  }

  value(index: number): T {
    const value = this.values[index];
    if (value === undefined) throw new RangeError(`no value at index ${index}`);
    return value;
  }

  /** Zipf-like weights 1 / (rank + offset) for a list ordered from most to least common. */
  static ranked<T>(values: readonly T[], offset = 4): WeightedTable<T> {
    return new WeightedTable(values.map((value, rank) => [value, 1 / (rank + offset)] as const));
  }
}
