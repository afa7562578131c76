import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { InvalidInput, redactEventData } from '@roster-ledger/domain';
import { recordAccess } from '../access/record-access';
import { personalAccessOf } from '../access/viewer';
import type { EventStore, JsonObject, RecordedEvent } from '../ports/event-store.port';
import type { AccessLog, ReadModels } from '../ports/read-models.port';
import type { Clock } from '../ports/clock.port';
import { ACCESS_LOG, CLOCK, EVENT_STORE, READ_MODELS } from '../ports/tokens';
import { NotFound } from '../errors/ledger-errors';
import { studentsShown } from './read-answers';
import { ReadEventsQuery, type EventsPage } from './read-events.query';

/** The kinds of stream the ledger writes, each `<kind>-<id>`. */
const STREAM_KINDS = ['district', 'school', 'term', 'course', 'user', 'section', 'sync', 'cursor'];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A stream the log does not hold: "no events" would read as a record nothing happened to. A bare
 * id (a record's or a sync's, without its kind) is the usual slip, so that gets the naming rule.
 */
function streamNotFound(streamId: string): NotFound {
  const kind = streamId.slice(0, Math.max(streamId.indexOf('-'), 0));
  if (STREAM_KINDS.includes(kind)) return new NotFound(`stream ${streamId}`);
  const example = UUID.test(streamId) ? `sync-${streamId}` : `user-${streamId} or section-${streamId}`;
  return new NotFound(`stream ${streamId}`, `streams are named <kind>-<id> (${STREAM_KINDS.join(', ')}), e.g. ${example}`);
}

/**
 * The raw log, for engineers checking what a sync wrote: personal data is cut for the viewer's
 * role and every page that shows a student's personal data goes to the access log, as for any
 * other read.
 */
@QueryHandler(ReadEventsQuery)
export class ReadEventsHandler implements IQueryHandler<ReadEventsQuery, EventsPage> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(ACCESS_LOG) private readonly log: AccessLog,
    @Inject(CLOCK) private readonly clock: Clock,
    /** Which people are or were students: their other roles' events show a student's data too. */
    @Inject(READ_MODELS) private readonly models: ReadModels,
  ) {}

  async execute({ viewer, options }: ReadEventsQuery): Promise<EventsPage> {
    const access = personalAccessOf(viewer.role);
    const events: RecordedEvent[] = [];
    // one event past the page says whether there is a next; it is neither shown nor logged
    const maxCount = options.limit + 1;
    const source =
      options.stream === undefined
        ? this.store.readAll({ after: options.from, maxCount })
        : this.store.readStream(options.stream, { fromRevision: options.from, maxCount });
    for await (const event of source) events.push({ ...event, data: redactEventData(event.data, access) as JsonObject });
    const more = events.length > options.limit;
    if (more) events.pop();
    if (events.length === 0 && options.stream !== undefined) {
      const revision = await this.store.streamRevision(options.stream);
      if (revision === null) throw streamNotFound(options.stream);
      // the revision after the last is where the stream's next event will be; one past it, no page gave
      if (options.from !== undefined && options.from > revision + 1) {
        throw new InvalidInput(`${options.from} is past the end of stream ${options.stream} (its last revision is ${revision}): give a revision of it, or leave it out to read it from its start`, { field: 'from' });
      }
    }
    if (events.length === 0 && options.stream === undefined && options.from !== undefined) {
      const head = await this.store.headPosition();
      // a position past the end of the log was never given by this ledger: an empty page would read as "nothing since"
      if (options.from > head) {
        throw new InvalidInput(`${options.from} is past the end of this ledger's log (its last position is ${head}): give a position of this ledger's log (a page's next), or leave it out to read it from its start`, { field: 'from' });
      }
    }
    await recordAccess(this.log, this.clock, viewer, access === 'none' ? [] : await studentsShown(events, this.models));
    const last = events.at(-1);
    // the log's `from` is exclusive (after a position), a stream's inclusive (from a revision)
    const next = !more || last === undefined ? null : String(options.stream === undefined ? last.position : last.revision + 1);
    return { items: events, next };
  }
}
