/** Time as the client sees it, injectable so specs of waits and backoff never really wait. */
export interface Timing {
  /** Milliseconds since the epoch. */
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  /** In [0, 1): the jitter source. */
  random: () => number;
}

export const systemTiming: Timing = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: () => Math.random(),
};
