import { CommandRunner, Option } from 'nest-commander';
import { DB_OPTION, JSON_OPTION } from './common-options';

/**
 * A command on a ledger file: `--db <path>` (read before Nest starts, see main.ts; declared here
 * for help and parsing) and `--json` for one JSON document instead of text.
 */
export abstract class LedgerCommandRunner extends CommandRunner {
  @Option(DB_OPTION)
  parseDb(value: string): string {
    return value;
  }

  @Option(JSON_OPTION)
  parseJson(): boolean {
    return true;
  }
}
