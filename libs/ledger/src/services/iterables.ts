/** The items of each iterable in turn, lazily. */
export function* concat<T>(...parts: Iterable<T>[]): Iterable<T> {
  for (const part of parts) yield* part;
}
