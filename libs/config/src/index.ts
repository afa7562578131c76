export * from './ledger-config';
export * from './api-keys';
export * from './clever-districts';
export * from './district-schedule';
export * from './release';
export * from './private-files';
