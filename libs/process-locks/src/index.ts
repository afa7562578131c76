/** Locks the operating system holds for a process, on files beside the ledger: what tells a live holder from a dead one. */
export { LockFiles } from './lock-files';
