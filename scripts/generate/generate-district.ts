import { generateDistrict } from './generate';
import { parseCliArgs, UsageError, USAGE } from './cli-args';
import { summaryLine } from './run-summary';

/**
 * CLI: `node -r ./bin/register.js scripts/generate/generate-district.ts --students N --seed S --out <folder>
 * [--churn <folder>] [--rollover <folder>] [--json]`. Exit codes: 0 done, 1 failed, 2 bad arguments.
 */
async function main(argv: readonly string[]): Promise<number> {
  let options;
  try {
    options = parseCliArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`generate-district: ${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const summaries = await generateDistrict(options);
  if (options.json) process.stdout.write(`${JSON.stringify({ students: options.students, seed: options.seed, folders: summaries })}\n`);
  else for (const summary of summaries) process.stderr.write(`${summaryLine(summary)}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`generate-district: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
