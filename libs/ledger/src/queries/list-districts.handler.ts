import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { SyncHistory } from '../services/sync-history';
import { ListDistrictsQuery, type RecordedDistrict } from './list-districts.query';

@QueryHandler(ListDistrictsQuery)
export class ListDistrictsHandler implements IQueryHandler<ListDistrictsQuery, RecordedDistrict[]> {
  constructor(private readonly history: SyncHistory) {}
  async execute(): Promise<RecordedDistrict[]> {
    // a district's last sync that recorded something
    const last = await this.history.lastOfEachDistrict(['completed', 'held']);
    return [...last].map(([districtId, lastSync]) => ({ districtId, lastSync })).sort((a, b) => a.districtId.localeCompare(b.districtId));
  }
}
