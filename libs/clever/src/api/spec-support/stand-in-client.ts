import { inspect } from 'node:util';
import { CleverApiClient } from '../clever-api-client';
import type { CleverApiClientOptions } from '../clever-api-client';
import type { CleverWait } from '../http-transport';
import { FakeTime } from './fake-time';

export const TOKEN = 'stand-in-token-7Qx9Lm2Vb8Rt4Kc6';

/** What the helper needs of the stand-in (the specs import it: spec helpers may not import the testing lib). */
interface StartStop {
  start(): Promise<string>;
  stop(): Promise<void>;
}

/**
 * A stand-in per spec, made by `create`, started and stopped around it, and clients on a fake
 * clock. `create` gets that clock's `now`, to share it with the stand-in's rate-limit window.
 */
export function useStandIn<S extends StartStop>(create: (now: () => number) => S) {
  const context = {
    standIn: undefined as unknown as S,
    baseUrl: '',
    time: new FakeTime(),
    waits: [] as CleverWait[],
    client(overrides: Partial<CleverApiClientOptions> = {}): CleverApiClient {
      return new CleverApiClient({
        token: TOKEN,
        baseUrl: context.baseUrl,
        now: context.time.now,
        sleep: context.time.sleep,
        random: context.time.random,
        onWait: (wait) => context.waits.push(wait),
        ...overrides,
      });
    },
  };
  beforeEach(async () => {
    context.time = new FakeTime();
    context.waits = [];
    context.standIn = create(() => context.time.now());
    context.baseUrl = await context.standIn.start();
  });
  afterEach(async () => {
    await context.standIn.stop();
  });
  return context;
}

export async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of source) all.push(item);
  return all;
}

export async function failure(action: () => Promise<unknown>): Promise<Error> {
  try {
    await action();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure, but it succeeded');
}

/** Every way an error (or any value) may be shown or serialized. */
export function renderings(value: unknown): string[] {
  const error = value as Partial<Error>;
  return [
    String(value),
    JSON.stringify(value) ?? '',
    JSON.stringify(Object.entries(value as object)),
    inspect(value, { showHidden: true, depth: null, getters: true }),
    error.message ?? '',
    error.stack ?? '',
  ];
}
