import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReadModelFiles } from '../sqlite/read-model-files';
import { SQLITE_PROJECTIONS } from '../sqlite/projections/catalog';

/**
 * A ledger path in a folder of its own for each spec of the `describe` it is called in, and the
 * read-model files opened beside it (`beside`, every projection's by default), closed and
 * deleted with the folder after each spec.
 */
export function scratchReadModelFiles(prefix: string): { ledger: () => string; beside: (names?: readonly string[]) => ReadModelFiles } {
  let dir = '';
  const opened: ReadModelFiles[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
  });
  afterEach(() => {
    for (const files of opened.splice(0)) files.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const ledger = () => join(dir, 'ledger.db');
  return {
    ledger,
    beside: (names = SQLITE_PROJECTIONS.map((p) => p.name)) => {
      const files = ReadModelFiles.beside(ledger(), names);
      opened.push(files);
      return files;
    },
  };
}
