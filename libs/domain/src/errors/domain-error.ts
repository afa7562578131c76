import type { ErrorKind } from './error-kind';

/**
 * Base of every error the ledger raises on purpose. `code` is stable: scripts and the API branch
 * on it. `kind` is what the CLI's exit code and the API's status are derived from.
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  abstract readonly kind: ErrorKind;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Where in the user's input a problem was found. Every field is optional, but say all you know. */
export interface InputLocation {
  file?: string;
  line?: number;
  column?: string;
  /** Zero-based index of the record in its file. */
  record?: number;
  recordId?: string;
  field?: string;
}

export function describeLocation(at: InputLocation): string {
  const parts: string[] = [];
  if (at.file !== undefined) parts.push(at.file);
  if (at.line !== undefined) parts.push(`line ${at.line}`);
  if (at.record !== undefined) parts.push(`record #${at.record + 1}`);
  if (at.recordId !== undefined) parts.push(`id ${at.recordId}`);
  if (at.column !== undefined) parts.push(`column ${at.column}`);
  if (at.field !== undefined) parts.push(`field ${at.field}`);
  return parts.join(', ');
}

/** The input (a snapshot, a CSV folder, an events page) breaks a rule; nothing was applied. */
export class InvalidInput extends DomainError {
  readonly code = 'INVALID_INPUT';
  readonly kind = 'invalid';
  constructor(
    readonly rule: string,
    readonly at: InputLocation,
  ) {
    const where = describeLocation(at);
    super(where ? `${where}: ${rule}` : rule);
  }
}
