import type { JsonObject, NewEvent } from './event-store.port';

/**
 * A new event whose data is still the JSON text it was kept as: a staged change set read back.
 * `data` is parsed on first access only. A store that keeps events as JSON text takes the text as
 * it is (see {@link dataJsonOf}): a million-student first import's append parsed 5.6M events' data
 * from the staged rows only to serialize it again.
 *
 * `data` is an accessor, not a field: copy such an event with {@link withMetadata} or by its
 * fields, never with a spread (`{ ...event }` has no `data`). Its data is read-only: the text is
 * what a store writes, whatever is done to the parsed object.
 */
export class SerializedEvent implements NewEvent {
  #data: JsonObject | undefined;

  /** @param dataJson exactly `JSON.stringify` of the event's data */
  constructor(
    readonly id: string,
    readonly type: string,
    readonly dataJson: string,
    readonly metadata: JsonObject,
  ) {}

  get data(): JsonObject {
    return (this.#data ??= JSON.parse(this.dataJson) as JsonObject);
  }
}

/** The event's data as JSON text: kept as it was read when it was, else serialized now. */
export function dataJsonOf(event: NewEvent): string {
  return event instanceof SerializedEvent ? event.dataJson : JSON.stringify(event.data);
}

/** The same event with other metadata, its data kept as text if it was. */
export function withMetadata(event: NewEvent, metadata: JsonObject): NewEvent {
  return event instanceof SerializedEvent
    ? new SerializedEvent(event.id, event.type, event.dataJson, metadata)
    : { id: event.id, type: event.type, data: event.data, metadata };
}
