import { ApiProperty } from '@nestjs/swagger';
import type { ProjectionFailure, ProjectionStatus, UnfinishedRebuild } from '@roster-ledger/ledger';

class LagSchema {
  @ApiProperty({ description: 'events in the log not yet folded' }) events!: number;
  @ApiProperty({ description: 'age of the oldest event not yet folded' }) seconds!: number;
}

class FailureSchema implements ProjectionFailure {
  @ApiProperty() position!: number;
  @ApiProperty() type!: string;
  @ApiProperty() streamId!: string;
  @ApiProperty() message!: string;
}

class BuilderSchema {
  @ApiProperty() pid!: number;
  @ApiProperty() host!: string;
}

class RebuildingSchema implements UnfinishedRebuild {
  @ApiProperty({ description: 'the version being built beside the live one' }) version!: number;
  @ApiProperty({ description: 'how far it has folded the log' }) position!: number;
  @ApiProperty({ type: BuilderSchema, nullable: true, description: 'the process building it, as last noted; null for compliance and support, as the server\'s own details are for those who run it' }) builder!: BuilderSchema | null;
  @ApiProperty({ description: 'whether that process may still be at work; false: interrupted, resumed as `resumedBy` says' }) underWay!: boolean;
  @ApiProperty({
    enum: ['catch-up', 'rebuild'],
    description:
      'what resumes it once interrupted: `catch-up` when the live read model is so far behind that the next catch-up of a CLI command that reads the read models rebuilds it in bulk (a server folds it in small batches instead, and leaves the build to a rebuild); `rebuild` when only the next rebuild does',
  })
  resumedBy!: 'catch-up' | 'rebuild';
}

/** A read model's checkpoint against the log's head. */
export class ProjectionStatusSchema implements ProjectionStatus {
  @ApiProperty({ example: 'accounts' }) name!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ description: 'version of the live tables (a rebuild makes a new one)' }) version!: number;
  @ApiProperty({ description: 'log position the read model reflects' }) position!: number;
  @ApiProperty({ description: "the log's last position" }) head!: number;
  @ApiProperty({ type: LagSchema }) lag!: LagSchema;
  @ApiProperty({ enum: ['running', 'failed'] }) status!: 'running' | 'failed';
  @ApiProperty({ type: FailureSchema, nullable: true, description: 'where and why a failed projection stopped' }) failure!: FailureSchema | null;
  @ApiProperty({ type: RebuildingSchema, nullable: true, description: 'a rebuild under way, or interrupted' }) rebuilding!: RebuildingSchema | null;
}

export class ProjectionStatusListSchema {
  @ApiProperty({ type: [ProjectionStatusSchema] }) items!: ProjectionStatusSchema[];
}
