import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CommandFactory } from 'nest-commander';
import { ConfigError, keepNewFilesPrivate, LedgerConfig, RELEASE } from '@roster-ledger/config';
import { DomainError } from '@roster-ledger/domain';
import { CLI_COMMANDS, CliModule } from './cli.module';
import { argumentsAskForJson, asksForJson, reportError, reportErrorsOnLedger } from './commands/common-options';
import { reportInterruptionsAsJson } from './commands/on-ctrl-c';
import { err, EXIT_FAILED, EXIT_USAGE, json, onStdoutError, out } from './output/cli-output';
import { EXIT_CODE_OF_KIND } from './output/exit-code-of-kind';
import { startFailure } from './output/start-failure';
import { quietLogger } from '../../api/src/quiet-startup.logger';
import { checkConfiguration, checkUsage } from './usage-check';
import { noLedgerMessage, notALedger } from './no-ledger';
import { dbOption } from './db-option';

/** Commands that may start a new ledger file (serve only to sync configured districts into: see ServeCommand); every other one reads an existing ledger. */
const CREATES_LEDGER = ['import', 'sync', 'serve'];


/** This project's folder, where npm runs its scripts. */
const PROJECT_FOLDER = resolve(__dirname, '..', '..', '..');

/**
 * `npm run roster-ledger -- ...` runs in the project's folder, wherever it was typed: a relative
 * path (a snapshot folder, `--db`, `--out`, the default ledger and configuration file) means the
 * folder it was typed in, which npm passes on as INIT_CWD. Only for this project's own script,
 * still in the folder npm started it in: another package's script of that name, or one that
 * moved elsewhere itself (`cd /srv/roster && roster-ledger ...`), is where it chose to be. A
 * folder this user may not enter (a service account run from an admin's home) is said, and the
 * command runs in the project's folder, as it did before.
 */
function workWhereTyped(): void {
  const typedIn = process.env['INIT_CWD'];
  const ours = process.env['npm_lifecycle_event'] === 'roster-ledger' && process.env['npm_package_json'] === join(PROJECT_FOLDER, 'package.json');
  if (!ours || typedIn === undefined || typedIn === '' || process.cwd() !== PROJECT_FOLDER || typedIn === PROJECT_FOLDER) return;
  try {
    process.chdir(typedIn);
  } catch (error) {
    err(`note: cannot work in ${typedIn}, where the command was typed (${(error as NodeJS.ErrnoException).code ?? String(error)}): relative paths are taken from ${PROJECT_FOLDER}`);
  }
}

export async function main(argv: readonly string[] = process.argv): Promise<void> {
  workWhereTyped();
  // a ledger, its read models, exports and backups hold students' personal data
  keepNewFilesPrivate();
  // `roster-ledger audit export | head`: a reader that stops early ends the command with 141, a full disk with one line
  process.stdout.on('error', onStdoutError);
  // which release this is, for a report of a problem: asked alone, it opens nothing
  if (argv.length === 3 && (argv[2] === '--version' || argv[2] === '-V')) {
    out(RELEASE);
    return;
  }
  // and to a script, as every answer with --json: one JSON document
  if (argv.length === 4 && argv.slice(2).includes('--json') && argv.slice(2).some((arg) => arg === '--version' || arg === '-V')) {
    json({ version: RELEASE });
    return;
  }
  // the command line first: a mistyped command or option is a usage error wherever it runs,
  // never "there is no ledger here" nor a failure after the ledger was opened
  const usage = checkUsage(CLI_COMMANDS, argv.slice(2));
  if (usage.kind === 'help') {
    process.stdout.write(usage.text);
    return;
  }
  if (usage.kind === 'wrong') {
    // a script that asked for JSON gets the error object every command gives (see reportError)
    if (argumentsAskForJson(argv.slice(2))) json({ error: { code: 'INVALID_REQUEST', message: usage.message.replace(/^error: /, '') } });
    else err(usage.message);
    process.exitCode = EXIT_USAGE;
    return;
  }
  // a script that asked for JSON gets the error object on stdout, also for what stops a command before it runs
  const asJson = usage.command !== undefined && asksForJson(usage.command.options);
  if (asJson) reportInterruptionsAsJson();
  const refuse = (code: string, label: string, message: string, exitCode: number) => {
    if (asJson) json({ error: { code, message } });
    else err(`${label}: ${message}`);
    process.exitCode = exitCode;
  };
  let config: LedgerConfig;
  try {
    config = LedgerConfig.load(process.env, { db: dbOption(argv.slice(2)) });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return refuse(error.code, 'configuration error', error.message, EXIT_CODE_OF_KIND[error.kind]);
  }
  try {
    // what the configuration cannot serve (a sync of a district it does not connect) is told,
    // like a usage mistake, before the ledger is opened: opening it would create one
    checkConfiguration(usage, config);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    reportError(error, asJson);
    return;
  }
  reportErrorsOnLedger(config.dbPath);
  const command = argv.slice(2).find((a) => !a.startsWith('-'));
  if (command !== undefined && !CREATES_LEDGER.includes(command) && !existsSync(config.dbPath)) {
    return refuse('NO_LEDGER', 'error', noLedgerMessage(config.dbPath), EXIT_USAGE);
  }
  const wrongFile = command === undefined ? null : notALedger(config.dbPath, CREATES_LEDGER.includes(command));
  if (wrongFile !== null) return refuse('NOT_A_LEDGER', 'error', wrongFile, EXIT_USAGE);
  try {
    const chosen = usage.command;
    const newLedger = !existsSync(config.dbPath);
    await CommandFactory.run(CliModule.forRoot(config, command, asJson, chosen?.type.skipsCatchUp === true, newLedger), {
      cliName: 'roster-ledger',
      logger: quietLogger(['error']),
      // a failure to start (the ledger cannot be opened) is thrown here rather than ending the process
      abortOnError: false,
      errorHandler: (error) => {
        // checkUsage has accepted the command line; should commander still refuse it, it is a usage mistake
        const code = (error as { exitCode?: number }).exitCode;
        process.exit(code === 0 ? 0 : EXIT_USAGE);
      },
      serviceErrorHandler: (error) => {
        err(`error: ${error.message}`);
        process.exitCode = EXIT_FAILED;
      },
    });
  } catch (error) {
    refuse('LEDGER_NOT_OPENED', 'error', startFailure(error, config.dbPath), EXIT_FAILED);
  }
}

if (require.main === module) {
  void main();
}
