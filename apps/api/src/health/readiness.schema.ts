import { ApiProperty } from '@nestjs/swagger';
import type { Readiness } from './readiness';

class ProjectionLagSchema {
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['running', 'failed'] }) status!: 'running' | 'failed';
  @ApiProperty() position!: number;
  @ApiProperty() head!: number;
  @ApiProperty() lagEvents!: number;
  @ApiProperty() lagSeconds!: number;
}

export class ReadinessSchema implements Readiness {
  @ApiProperty() ready!: boolean;
  @ApiProperty({ description: 'true once the server is shutting down (it finishes running syncs and starts nothing new): not ready, so a load balancer sends no more requests' }) stopping!: boolean;
  @ApiProperty({ example: 10000 }) maxLagEvents!: number;
  @ApiProperty({ type: [ProjectionLagSchema] }) projections!: ProjectionLagSchema[];
}

export class LivenessSchema {
  @ApiProperty({ example: 'live' }) status!: 'live';
}
