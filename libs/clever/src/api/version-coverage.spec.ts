import { coverageOfUri, coverageOfVersion, isAtLeast, versionOfUri } from './version-coverage';

describe('coverageOfUri', () => {
  it('reads a v3.0 item as a read at v3.0: its records give none of the v3.1 fields', () => {
    const coverage = coverageOfUri('/v3.0/users/5a25ffb0c1bc2a00360003ee');
    expect(coverage).toEqual(coverageOfVersion('v3.0'));
    expect(coverage?.fields?.student?.['preferred_name']).toBe('preferred_name (a v3.1 field, read at v3.0)');
  });

  it('names an older version in its labels', () => {
    expect(coverageOfUri('/v2.1/students/abc')?.fields?.student?.['gifted_status']).toBe('gifted_status (a v3.1 field, read at v2.1)');
  });

  it('takes v3.1 and later, and an item without a versioned uri, as giving every field', () => {
    for (const uri of ['/v3.1/users/a', '/v4.0/users/a', '/v3.10/users/a', '/users/a', 'v3.0/users/a', undefined]) expect([uri, coverageOfUri(uri)]).toEqual([uri, undefined]);
  });
});

describe('isAtLeast', () => {
  it('compares versions by number, not as text', () => {
    expect([isAtLeast('v3.0', 3), isAtLeast('v3.1', 3, 1), isAtLeast('v3.10', 3, 2), isAtLeast('v4.0', 3, 1)]).toEqual([true, true, true, true]);
    expect([isAtLeast('v2.1', 3), isAtLeast('v1.1', 3), isAtLeast('v3.0', 3, 1)]).toEqual([false, false, false]);
  });
});

describe('versionOfUri', () => {
  it('reads the version an item names however it writes it: a path, a whole address, no minor number, a capital V', () => {
    const uris = ['/v3.0/users/a', 'https://api.clever.com/v3.1/users/a', '/v4/users/a', '/V2.1/students/a', '/users/a', 'v3.0/users/a', '/v3.x/users/a'];
    expect(uris.map(versionOfUri)).toEqual(['v3.0', 'v3.1', 'v4.0', 'v2.1', undefined, undefined, undefined]);
  });
});
