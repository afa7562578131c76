/** Spec helper: a clock that only moves when the client sleeps, and a record of every sleep. */
export class FakeTime {
  readonly waits: number[] = [];
  private current: number;

  constructor(start = Date.UTC(2026, 0, 5, 12, 0, 10)) {
    this.current = start;
  }

  readonly now = (): number => this.current;

  readonly sleep = async (ms: number): Promise<void> => {
    this.waits.push(ms);
    this.current += ms;
  };

  /** Jitter fixed at half its range, so waits are exact. */
  readonly random = (): number => 0.5;

  get seconds(): number {
    return Math.floor(this.current / 1000);
  }
}
