import { closeSync, constants, openSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Lets go of the reads waiting on the named pipes among `files` (of `folder`), so that a command
 * stopped while it waits can exit. Reading a pipe nobody has opened to write waits in the file's
 * open, on a thread no signal reaches, and the process cannot exit until that open returns: so
 * each pipe is opened to write and closed at once, which ends the wait (the reader sees an empty
 * file, as the process exits). A pipe nobody is reading is left as it was (that open fails).
 */
export function releaseNamedPipes(folder: string, files: readonly string[]): void {
  for (const name of files) {
    const path = join(folder, name);
    try {
      if (!statSync(path).isFIFO()) continue;
      closeSync(openSync(path, constants.O_WRONLY | constants.O_NONBLOCK));
    } catch {
      // gone, or no reader waiting (ENXIO): nothing holds the process there
    }
  }
}
