import type { CommandBus } from '@nestjs/cqrs';
import { studentsNamedInFindings } from '@roster-ledger/clever';
import type { SyncSummary } from '@roster-ledger/domain';
import { RecordAccessCommand } from '@roster-ledger/ledger';
import { cliViewer } from './common-options';

/**
 * Writes to the access log the students that syncs' findings, as a command prints them, name
 * beside a value of a personal field (`student.gender` at record u5), as every read that shows a
 * student's personal data is logged. The CLI shows a sync whole, as to an admin.
 */
export async function logStudentsInFindings(commands: CommandBus, command: string, syncs: readonly Pick<SyncSummary, 'unknownValuesAt'>[]): Promise<void> {
  const students = [...new Set(syncs.flatMap((sync) => studentsNamedInFindings(sync.unknownValuesAt)))];
  await commands.execute(new RecordAccessCommand(cliViewer(command), students));
}
