export * from './records/fields';
export * from './records/roster-records';
export * from './events/roster-events';
export * from './events/sync-events';
export * from './events/event-metadata';
export * from './events/event-id';
export * from './errors/domain-error';
