/** One jest run for unit specs (beside the code), contract suites, integration and end-to-end specs. */
const libs = ['domain', 'clever', 'ledger', 'event-store', 'read-models', 'process-locks', 'config', 'testing'];
module.exports = {
  testEnvironment: 'node',
  rootDir: '.',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
  testRegex: '.*\\.(spec|int-spec|e2e-spec)\\.ts$',
  transform: { '^.+\\.ts$': '@swc/jest' },
  moduleNameMapper: Object.fromEntries(
    libs.map((lib) => [`^@roster-ledger/${lib}$`, `<rootDir>/libs/${lib}/src/index.ts`]),
  ),
  testTimeout: 60000,
};
