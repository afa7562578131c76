import { oneLine } from './cli-output';
import { describeEventData } from './event-line';

describe('an event in one line', () => {
  it('names a shared person, or says the name is not shown to this role', () => {
    const shared = { type: 'StudentShared', data: { id: 'u1', record: { grade: '9' }, personal: { name: { first: 'Noor', last: 'Haddad' } } } };
    expect(describeEventData(shared)).toBe('Noor Haddad');
    expect(describeEventData({ type: 'StudentShared', data: { id: 'u1', record: { grade: '9' }, sharedAgain: true } })).toBe('(name not shown) (shared again)');
    expect(describeEventData({ type: 'SchoolShared', data: { id: 's1', record: { name: 'Lincoln High' } } })).toBe('Lincoln High');
  });

  it('lists what an update changed, or says the role may not see it', () => {
    const update = { type: 'StudentUpdated', data: { id: 'u1', changes: { grade: { from: '9', to: '10' } }, personal: {} } };
    expect(describeEventData(update)).toBe('grade: 9 -> 10');
    expect(describeEventData({ type: 'DemographicUpdated', data: { id: 'u1', changes: {}, personal: {} } })).toBe('(changes not shown to this role)');
  });

  it('says that an update changed more than the role is shown (a date of birth, say), so the changes listed are not taken for all', () => {
    const redacted = { type: 'StudentUpdated', data: { id: 'u1', changes: { grade: { from: 'K', to: '1' } }, personal: { 'name.last': { from: 'Ziemann', to: 'Ziemann-Cole' } }, personalRedacted: true } };
    expect(describeEventData(redacted)).toBe('grade: K -> 1; name.last: Ziemann -> Ziemann-Cole; and changes not shown to this role');
  });

  it('shows a list or an object of values with each value as it is, so a printed line escapes a quote or backslash in it once', () => {
    const update = { type: 'StaffUpdated', data: { id: 'u1', changes: { title: { from: ['Dean "of" Students'], to: ['C:\\staff', 'Coach'] }, address: { from: null, to: { city: 'Troy', zip: 12180 } } } } };
    expect(describeEventData(update)).toBe('title: [Dean "of" Students] -> [C:\\staff, Coach]; address: (none) -> {city: Troy, zip: 12180}');
    // as printed: the backslash doubled once, the quotes left as they are
    expect(oneLine(describeEventData(update))).toBe('title: [Dean "of" Students] -> [C:\\\\staff, Coach]; address: (none) -> {city: Troy, zip: 12180}');
  });
});
