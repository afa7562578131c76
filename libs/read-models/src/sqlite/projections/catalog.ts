import type { SqliteProjection } from '../sqlite-projection';
import { accountsProjection } from './accounts.projection';
import { auditProjection } from './audit.projection';
import { classesProjection } from './classes.projection';
import { enrollmentsProjection } from './enrollments.projection';
import { lookupsProjection } from './lookups.projection';
import { syncsProjection } from './syncs.projection';
import { timelinesProjection } from './timelines.projection';

/** Every read model the embedded backend keeps, in the order they are listed. */
export const SQLITE_PROJECTIONS: readonly SqliteProjection[] = [
  accountsProjection,
  classesProjection,
  enrollmentsProjection,
  timelinesProjection,
  auditProjection,
  syncsProjection,
  lookupsProjection,
];
