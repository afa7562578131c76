export * from './ports/event-store.port';
export * from './ports/event-store.errors';
export * from './ports/pending-change-store.port';
export * from './ports/tokens';
