import { existsSync } from 'node:fs';
import type { FactoryProvider } from '@nestjs/common';
import { Command, Option } from 'nest-commander';
import { LedgerCommandRunner } from './ledger-command-runner';
import { ConfigError, describeSchedule, type LedgerConfig } from '@roster-ledger/config';
import type { ApiServer } from '../../../api/src/api-server';
import { DEFAULT_HOST, DEFAULT_PORT } from '../../../api/src/listen-defaults';
import { QuietStartupLogger } from '../../../api/src/quiet-startup.logger';
import { shutdownSignal } from '../../../api/src/shutdown-signal';
import { err, EXIT_FAILED, EXIT_USAGE, json, keepServingWhenStdoutCloses, out } from '../output/cli-output';
import { startFailure } from '../output/start-failure';
import { EXIT_CODE_OF_KIND } from '../output/exit-code-of-kind';
import { parseInteger, type CommonOptions } from './common-options';
import { checkPortFree } from './port-free';
import { noLedgerMessage } from '../no-ledger';

interface ServeOptions extends CommonOptions {
  port?: number;
  host?: string;
}

/**
 * `roster-ledger serve`: the REST API, the live projection runner and the districts' configured
 * sync schedules in one process, on the embedded ledger file, until Ctrl-C (SIGINT) or SIGTERM
 * (which waits for running syncs; a second Ctrl-C does not).
 */
@Command({
  name: 'serve',
  description: 'serve the REST API (OpenAPI docs at /docs), keep the read models in step with the log and run the configured sync schedules, until Ctrl-C',
})
export class ServeCommand extends LedgerCommandRunner {
  constructor(private readonly config: LedgerConfig) {
    super();
  }

  /** The command with the configuration main.ts loaded (API keys, the ledger file). */
  static provider(config: LedgerConfig): FactoryProvider<ServeCommand> {
    return { provide: ServeCommand, useFactory: () => new ServeCommand(config) };
  }

  async run(_: string[], options: ServeOptions): Promise<void> {
    keepServingWhenStdoutCloses();
    // the API (Nest's HTTP stack, every controller, OpenAPI) is loaded by this command alone:
    // loading it at start-up cost every other command about a tenth of its time
    const { ApiServer, assertApiKeysConfigured } = require('../../../api/src/api-server') as typeof import('../../../api/src/api-server');
    try {
      assertApiKeysConfigured(this.config);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      // as every configuration error is told (see main.ts)
      if (options.json) json({ error: { code: error.code, message: error.message } });
      else err(`configuration error: ${error.message}`);
      process.exitCode = EXIT_CODE_OF_KIND[error.kind];
      return;
    }
    const port = options.port ?? DEFAULT_PORT;
    const host = options.host ?? DEFAULT_HOST;
    // the log goes to stderr: colour codes only on a terminal, not into a file or a supervisor's log
    // (Nest's logger reads NO_COLOR, and a user's own setting wins)
    if (!process.stderr.isTTY) process.env['NO_COLOR'] ??= '1';
    let server: ApiServer;
    try {
      // (port 0 is always free: the server picks one)
      if (port !== 0) await checkPortFree(port, host);
      if (!existsSync(this.config.dbPath)) {
        // a new ledger is what a server that syncs districts from Clever starts from; without any
        // to sync it is a mistyped --db, whose empty answers would read as "no such student"
        if (this.config.districts.size === 0) {
          const message = noLedgerMessage(this.config.dbPath, ' (serve starts a new ledger only to sync the Clever districts it is configured with)');
          if (options.json) json({ error: { code: 'NO_LEDGER', message } });
          else err(`error: ${message}`);
          process.exitCode = EXIT_USAGE;
          return;
        }
        err(`note: there is no ledger at ${this.config.dbPath}: starting a new one, for the syncs of the ${this.config.districts.size} configured district(s)`);
      }
      server = await ApiServer.start(this.config, { port, host, logger: new QuietStartupLogger() });
    } catch (error) {
      const message = `cannot serve on ${host}:${port}: ${startFailure(error, this.config.dbPath)}`;
      // one JSON document with --json, as every refusal before it (NO_LEDGER) gives
      if (options.json) json({ error: { code: 'SERVE_FAILED', message } });
      else err(message);
      // what a half-built application started (the housekeeping thread) would keep the process alive
      process.exit(EXIT_FAILED);
    }
    // listened for before the start is told: whoever reads it may signal at once
    const stopSignal = shutdownSignal((again) => {
      err(`${again} again: exiting without waiting`);
      process.exit(130);
    });
    const schedules = server.schedules.map((s) => ({ district: s.districtId, mode: s.mode, schedule: describeSchedule(s.schedule) }));
    if (options.json) json({ url: server.url, docs: server.docsUrl, db: this.config.dbPath, keys: this.config.apiKeys.length, schedules });
    else {
      out(`Roster Ledger API on ${server.url} (ledger ${this.config.dbPath}, ${this.config.apiKeys.length} API key(s))`);
      out(`  OpenAPI docs: ${server.docsUrl}   health: ${server.url}/health/ready`);
      for (const s of schedules) out(`  Scheduled: ${s.mode} sync of district ${s.district} ${s.schedule}`);
      out('  Stop with Ctrl-C.');
    }
    const signal = await stopSignal;
    err(`${signal}: stopping the schedules, the projection runner and the server (running syncs finish first)...`);
    await server.stop();
  }

  @Option({ flags: '--port <n>', description: `the port to listen on (default ${DEFAULT_PORT}; 0 picks a free one)` })
  parsePort(value: string): number {
    const port = parseInteger('--port', value);
    if (port > 65_535) throw new Error(`--port must be at most 65535, got "${value}"`);
    return port;
  }

  @Option({ flags: '--host <address>', description: `the address to listen on (default ${DEFAULT_HOST}; 0.0.0.0 for every interface)` })
  parseHost(value: string): string {
    return value;
  }

}
