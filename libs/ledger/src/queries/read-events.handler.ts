import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { EventStore, RecordedEvent } from '../ports/event-store.port';
import { EVENT_STORE } from '../ports/tokens';
import { ReadEventsQuery } from './read-events.query';

@QueryHandler(ReadEventsQuery)
export class ReadEventsHandler implements IQueryHandler<ReadEventsQuery, RecordedEvent[]> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ options }: ReadEventsQuery): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    const source =
      options.stream === undefined
        ? this.store.readAll({ after: options.from, maxCount: options.limit })
        : this.store.readStream(options.stream, { fromRevision: options.from, maxCount: options.limit });
    for await (const event of source) events.push(event);
    return events;
  }
}
