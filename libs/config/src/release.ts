import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** This release of Roster Ledger: the `version` of its package.json, which `--version` and the OpenAPI document give. */
export const RELEASE: string = (JSON.parse(readFileSync(resolve(__dirname, '../../../package.json'), 'utf8')) as { version: string }).version;
