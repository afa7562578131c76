/**
 * A small seeded PRNG, so that one seed always gives the same district byte for byte
 * (Math.random cannot be seeded). sfc32 (Chris Doty-Humphrey's Small Fast Counting generator):
 * 128 bits of state, passes PractRand, and is a handful of 32-bit operations per number.
 *
 * Each part of the generator draws from its own named stream (`Prng.of(seed, 'students')`), so
 * adding a draw to one part never shifts the numbers another part sees: the base snapshot stays
 * the same whether or not `--churn` or `--rollover` is asked for.
 */
export class Prng {
  private constructor(
    private a: number,
    private b: number,
    private c: number,
    private d: number,
  ) {
    // The first outputs of a freshly seeded sfc32 are still correlated with the seed.
    for (let i = 0; i < 15; i++) this.next();
  }

  /** The stream `stream` of `seed`; different names give independent sequences. */
  static of(seed: string, stream: string): Prng {
    const [a, b, c, d] = hash128(`${seed}\u0000${stream}`);
    return new Prng(a, b, c, d);
  }

  /** A uniform unsigned 32-bit integer. */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.next() / 4294967296;
  }

  /** Uniform integer in [0, n). The bias for n far below 2^32 is far below anything a benchmark notices. */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** Uniform integer in [min, max], both included. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  chance(probability: number): boolean {
    return this.float() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[this.int(items.length)] as T;
  }

  /** A standard normal draw (Box-Muller), for school sizes. */
  normal(): number {
    const u = 1 - this.float(); // (0, 1]: log(0) would be -Infinity
    const v = this.float();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Fisher-Yates shuffle of `items[start, end)` in place. */
  shuffle(items: Int32Array, start = 0, end = items.length): void {
    for (let i = end - 1; i > start; i--) {
      const j = start + this.int(i - start + 1);
      const swap = items[i] as number;
      items[i] = items[j] as number;
      items[j] = swap;
    }
  }
}

/** cyrb128: four 32-bit hashes of a string, used to seed sfc32's four state words. */
function hash128(text: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/** One 32-bit hash of a string (the first word of cyrb128). */
export function hash32(text: string): number {
  return hash128(text)[0];
}
