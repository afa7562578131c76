export * from './ledger-config';
export * from './api-keys';
