import { nextPageLine } from './next-page';

describe('the line that ends a page which is not the last', () => {
  it('is the command as typed with the cursor set to the next page, ready to copy', () => {
    expect(nextPageLine('--after', 'c2', ['search', 'ada', '--limit', '2', '--db', 'data/ledger.db'])).toBe('More: roster-ledger search ada --limit 2 --db data/ledger.db --after c2');
    // the cursor given replaced, in either spelling
    expect(nextPageLine('--after', 'c3', ['syncs', 'list', '--after', 'c2', '--district', 'd1'])).toBe('More: roster-ledger syncs list --district d1 --after c3');
    expect(nextPageLine('--from', 10, ['events', '--from=3', '--stream', 'user-u1'])).toBe('More: roster-ledger events --stream user-u1 --from 10');
  });

  it('quotes what a shell would otherwise split or expand', () => {
    expect(nextPageLine('--after', 'c2', ['search', "o'brien ada", '--db', '/tmp/my ledger.db'])).toBe(`More: roster-ledger search 'o'\\''brien ada' --db '/tmp/my ledger.db' --after c2`);
  });
});
