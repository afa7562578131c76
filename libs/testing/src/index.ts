/** Spec helpers, fixtures and the ports' contract suites. For specs only: never import it from production code. */
export { eventStoreContract, type EventStoreUnderTest } from './contracts/event-store.contract';
export { byFields, pendingChangeStoreContract, type PendingChangeStoreUnderTest } from './contracts/pending-change-store.contract';
export { CLEVER_DEMO_FOLDER, CLEVER_DEMO_DISTRICT_ID, writeNextDaySnapshot, type NextDayChanges } from './fixtures/clever-demo';
export { STORED_EVENTS_V1_FOLDER, STORED_EVENTS_V1_CURSORS_FOLDER } from './fixtures/stored-events';
export { CleverStandIn, type CleverStandInOptions, type StandInFault, type StandInRequest, type StandInEvent } from './clever-stand-in/clever-stand-in';
export { seededRandom } from './seeded-random';
export { anotherProcessHolding, type LockHolder } from './lock-holder';
