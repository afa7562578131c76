import { accountsProjection } from './accounts.projection';
import {
  DISTRICT,
  EventLog,
  demographicUpdated,
  districtAdminRecord,
  enrollment,
  namedRecord,
  readModels,
  removed,
  sectionRecord,
  staffRecord,
  studentRecord,
  syncStarted,
  teacherRecord,
  updated,
} from '../../spec-support/read-model-harness';

const DAY1 = '2024-09-01T08:00:00.000Z';
const DAY2 = '2024-09-08T08:00:00.000Z';
const DAY3 = '2024-09-15T08:00:00.000Z';

describe('accounts projection: one account per Clever user', () => {
  const rm = readModels(accountsProjection);
  const search = (text: string, options: { districtId?: string; limit?: number } = {}) =>
    rm().models.searchAccounts(text, { limit: 10, ...options }).then((found) => found.items.map((a) => a.id));

  describe('StudentShared', () => {
    it('opens an active student account, first shared at the sync that saw it', async () => {
      const log = new EventLog();
      rm().when(log.append('user-u1', 'StudentShared', studentRecord('u1'), { observedAt: DAY1, syncId: 'sync-1' }));

      const account = await rm().models.account('u1');
      expect(account).toMatchObject({
        id: 'u1',
        districtId: DISTRICT,
        status: 'active',
        roles: ['student'],
        firstSharedAt: DAY1,
        firstSharedSync: 'sync-1',
        lastChangedAt: DAY1,
        removedAt: null,
        removedSync: null,
        position: 1,
      });
      // the person's own fields apart from the student facet's
      expect(account!.person.personal).toEqual({ name: { first: 'Ada', last: 'Lovelace' }, email: 'u1@example.org' });
      expect(account!.person.roles.student).toEqual({
        fields: { school: 's1', schools: ['s1'], grade: '9' },
        personal: { sis_id: 'SIS-u1', student_number: 'SN-u1', state_id: 'ST-u1', gender: 'F', race: 'Asian' },
      });
    });

    it('makes the student searchable by name (either order, any prefix), email, SIS id, student number, state id and Clever id, ignoring case', async () => {
      const log = new EventLog();
      rm().given([log.append('user-u2', 'StudentShared', studentRecord('u2', { first: 'Alan', last: 'Turing' }))]);
      rm().when(log.append('user-u1', 'StudentShared', studentRecord('u1', { first: 'Ada', last: 'Lovelace' })));

      for (const text of ['ada', 'Ada Love', '  ada   lovelace ', 'lovelace', 'LOVELACE ADA', 'u1@example.org', 'sis-u1', 'SN-u1', 'st-u1', 'U1']) {
        expect(await search(text)).toEqual(['u1']);
      }
      expect(await search('a')).toEqual(['u1', 'u2']); // "ada lovelace" sorts before "alan turing"
      expect(await search('lace')).toEqual([]); // names match by prefix, not anywhere
      expect(await search('SIS-u')).toEqual([]); // ids match whole
      // as pasted from a list or a spreadsheet cell
      for (const text of ['sis-u1,', '"sis-u1"', '“SN-u1”;', "'u1@example.org',"]) expect(await search(text)).toEqual(['u1']);
      expect(await search('   ')).toEqual([]);
    });

    it('finds a name typed without its accents, or with them, and a name typed "Last, First"', async () => {
      const log = new EventLog();
      rm().when(
        log.append('user-u1', 'StudentShared', studentRecord('u1', { first: 'Lucía', middle: 'María', last: 'Peña' })),
        log.append('user-u2', 'StudentShared', studentRecord('u2', { first: 'Łukasz', last: 'Wiśniewski' })),
        log.append('user-u3', 'StudentShared', studentRecord('u3', { first: 'Lucia', last: 'Pena' })),
      );
      // the same key with or without accents: both Lucias, shared accounts by name, then by id
      for (const text of ['lucia pena', 'Lucía Peña', 'LUCIA PEÑA', 'pena', 'Peña, Lucía', 'pena,lucia']) {
        expect(await search(text)).toEqual(['u1', 'u3']);
      }
      for (const text of ['lukasz', 'Łukasz Wiś', 'wisniewski, lukasz']) expect(await search(text)).toEqual(['u2']);
      // "Last, First Middle", as SIS exports print it, finds the one with that middle name
      expect(await search('Peña, Lucía María')).toEqual(['u1']);
      expect(await search('pena lucia m')).toEqual(['u1']);
      // and the name written in full, middle name and all, finds her, as its first part does
      for (const text of ['Lucía María Peña', 'lucia maria pena', 'lucia m']) expect(await search(text)).toEqual(['u1']);
      expect(await search('lucia jose pena')).toEqual([]); // another middle name is another person
      expect(await search(',')).toEqual([]); // no name in it: matches none, not every name
      // a comma in a stored name is a space too: typed with it or without, it matches
      rm().when(log.append('user-u4', 'StudentShared', studentRecord('u4', { first: 'Martin', last: 'King, Jr.' })));
      for (const text of ['martin king, jr', 'Martin King Jr.', 'king jr. martin', 'king, jr., martin']) expect(await search(text)).toEqual(['u4']);
      // hyphens and dashes are spaces, apostrophes (straight or curly, as pasted) are left out
      rm().when(log.append('user-u6', 'StudentShared', studentRecord('u6', { first: 'Jean-Louis', last: "O'Brien" })));
      for (const text of ['jean louis', 'Jean–Louis', 'jean-louis obrien', 'obrien', 'O’Brien, Jean', "o'brien jean-l"]) expect(await search(text)).toEqual(['u6']);
      // either family name of a double surname, hyphenated or not, with the first name after it
      rm().when(
        log.append('user-u7', 'StudentShared', studentRecord('u7', { first: 'Gerald', middle: 'J', last: 'Parisian-Ortiz' })),
        log.append('user-u8', 'StudentShared', studentRecord('u8', { first: 'Gabriel', last: 'García Márquez' })),
      );
      for (const text of ['ortiz', 'Ortiz, Gerald', 'ortiz ger', 'parisian', 'parisian ortiz gerald', 'gerald parisian']) expect(await search(text)).toEqual(['u7']);
      for (const text of ['marquez', 'Márquez Gabriel', 'garcia']) expect(await search(text)).toEqual(['u8']);
      expect(await search('ortiz gabriel')).toEqual([]); // the later name with another first name is another person
      // a last name of three words or more, from any of its words
      rm().when(log.append('user-u9', 'StudentShared', studentRecord('u9', { first: 'Xavan', last: 'De La Cruz' })));
      for (const text of ['cruz', 'Cruz, Xavan', 'la cruz', 'de la cruz x', 'xavan de']) expect(await search(text)).toEqual(['u9']);
      // a name typed as heard, with spaces where the SIS has none or none where it has them
      rm().when(log.append('user-u10', 'StudentShared', studentRecord('u10', { first: 'Rosa', last: 'DelaCruz' })));
      for (const text of ['o brien', 'O Brien, Jean', 'jean-louis o brien', 'jean louis o brien']) expect([text, await search(text)]).toEqual([text, ['u6']]);
      for (const text of ['De La Cruz, R', 'rosa de la cruz']) expect(await search(text)).toEqual(['u10']);
      // the one whose SIS spaces it, too, and the other way: the SIS spaces what was typed together
      for (const text of ['de la cruz', 'dela cruz', 'de lacruz', 'delacruz']) expect([text, await search(text)]).toEqual([text, ['u10', 'u9']]);
      for (const text of ['DelaCruz, X', 'xavan delacruz']) expect([text, await search(text)]).toEqual([text, ['u9']]);
      for (const text of ['parisianortiz', 'garciamarquez gab', 'gerald j parisianortiz']) expect([text, await search(text)]).toEqual([text, [text.includes('garcia') ? 'u8' : 'u7']]);
      expect(await search('cruz gabriel')).toEqual([]);
      // marks of other scripts make other names: a Devanagari vowel sign is not an accent
      rm().when(log.append('user-u5', 'StudentShared', studentRecord('u5', { first: 'प्रिया', last: 'Shah' })));
      expect(await search('पर')).toEqual([]);
      expect(await search('प्रिया')).toEqual(['u5']);
      // what the account shows is the name as the SIS spells it
      expect((await rm().models.searchAccounts('pena', { limit: 1 })).items[0]!.person.personal['name']).toMatchObject({ first: 'Lucía', last: 'Peña' });
    });

    it('matches a typed % or _ literally, not as a wildcard', async () => {
      const log = new EventLog();
      rm().when(log.append('user-u1', 'StudentShared', studentRecord('u1')));
      expect(await search('%')).toEqual([]);
      expect(await search('_da')).toEqual([]);
    });

    it('finds a name through the name indexes, never by reading every account (3 s a search at a million students)', async () => {
      const log = new EventLog();
      rm().when(log.append('user-u1', 'StudentShared', studentRecord('u1')), log.append('user-u2', 'StudentShared', studentRecord('u2', { first: 'Юлия', last: 'Ödön' })));
      const prepare = jest.spyOn(rm().db, 'prepare');
      expect(await search('ada')).toEqual(['u1']);
      expect(await search('ödön ю')).toEqual(['u2']); // a prefix ending in a letter beyond ASCII
      expect(await search('ada', { districtId: DISTRICT })).toEqual(['u1']);
      const { next } = await rm().models.searchAccounts('ada', { limit: 1 });
      expect((await rm().models.searchAccounts('ada', { limit: 1, after: next! })).items).toEqual([]);
      const statements = prepare.mock.calls.map(([text]) => text).filter((text) => text.includes('search_name'));
      prepare.mockRestore();
      // without and with the district, and a page after another; a name of two words, respaced
      expect(statements).toHaveLength(4);
      // tables are named by their aliases in a plan: the one scan allowed is of the page of matches
      for (const statement of statements) {
        const parameters = {
          needle: 'ada', name: 'ada', above: 'ada\u{10FFFF}', district: DISTRICT, limit: 10,
          ...(statement.includes('@afterId') ? { afterRemoved: 0, afterName: 'a', afterId: 'u1' } : {}),
          ...(statement.includes('@name1') ? { name1: 'adab', above1: 'adab\u{10FFFF}' } : {}),
        };
        const plan = rm().db.prepare(`EXPLAIN QUERY PLAN ${statement}`).all(parameters) as { detail: string }[];
        expect(plan.map((step) => step.detail).filter((detail) => detail.startsWith('SCAN ') && detail !== 'SCAN page')).toEqual([]);
      }
    });

    it('searches within one district when asked, and stops at the limit', async () => {
      const log = new EventLog();
      rm().when(
        log.append('user-u1', 'StudentShared', studentRecord('u1')),
        log.append('user-u2', 'StudentShared', studentRecord('u2'), { districtId: 'd2' }),
        log.append('user-u3', 'StudentShared', studentRecord('u3')),
      );
      expect(await search('ada')).toEqual(['u1', 'u2', 'u3']);
      expect(await search('ada', { districtId: 'd2' })).toEqual(['u2']);
      expect(await search('ada', { limit: 2 })).toEqual(['u1', 'u2']);
    });

    it('pages through every match in the order of one long page, shared accounts before removed ones, with a cursor of its own', async () => {
      const log = new EventLog();
      const names = ['Ada Byron', 'Ada King', 'Ada Lovelace', 'Ada Lovelace', 'Adam Smith', 'Adele Adkins', 'Ada Zed'];
      rm().when(...names.map((name, i) => log.append(`user-u${i}`, 'StudentShared', studentRecord(`u${i}`, { first: name.split(' ')[0]!, last: name.split(' ')[1]! }))));
      rm().when(log.append('user-u1', 'StudentRemoved', removed('u1')), log.append('user-u6', 'StudentRemoved', removed('u6')));
      const everything = await search('ad', { limit: 100 });
      expect(everything).toEqual(['u0', 'u2', 'u3', 'u4', 'u5', 'u1', 'u6']); // two Ada Lovelaces by id; the removed last
      for (const limit of [1, 2, 3, 7]) {
        const paged: string[] = [];
        let after: string | undefined;
        let pages = 0;
        do {
          const page = await rm().models.searchAccounts('ad', { limit, ...(after === undefined ? {} : { after }) });
          paged.push(...page.items.map((a) => a.id));
          after = page.next ?? undefined;
          pages++;
        } while (after !== undefined);
        expect([limit, paged]).toEqual([limit, everything]);
        expect(pages).toBe(Math.floor(everything.length / limit) + 1); // a full last page is followed by an empty one
      }
      // an account shared between two pages lands where its name puts it, shifting no other
      const first = await rm().models.searchAccounts('ad', { limit: 2 });
      rm().when(log.append('user-u9', 'StudentShared', studentRecord('u9', { first: 'Ada', last: 'Aardvark' })));
      expect((await rm().models.searchAccounts('ad', { limit: 3, after: first.next! })).items.map((a) => a.id)).toEqual(['u3', 'u4', 'u5']);
    });

    it('refuses a cursor that no search page gave', async () => {
      for (const after of ['12', 'bm90IGpzb24', Buffer.from('[2,"x","y"]').toString('base64url')]) {
        await expect(rm().models.searchAccounts('ada', { limit: 5, after })).rejects.toThrow(`after: must be the next of a search page (pass on what the page before gave), got ${after.length} characters that are none`);
      }
    });
  });

  describe('StudentUpdated', () => {
    it('changes the field in the account and records when it changed', async () => {
      const log = new EventLog();
      rm().given([log.append('user-u1', 'StudentShared', studentRecord('u1'), { observedAt: DAY1, syncId: 'sync-1' })]);
      rm().when(log.append('user-u1', 'StudentUpdated', updated('u1', { grade: { from: '9', to: '10' } }), { observedAt: DAY2, syncId: 'sync-2' }));

      const account = await rm().models.account('u1');
      expect(account!.person.roles.student!.fields['grade']).toBe('10');
      expect(account).toMatchObject({ status: 'active', firstSharedAt: DAY1, firstSharedSync: 'sync-1', lastChangedAt: DAY2, position: 2 });
    });

    it('re-indexes a changed name, email and SIS id: the new ones find the account, and the old ones still do (a ticket from before names them)', async () => {
      const log = new EventLog();
      rm().given([log.append('user-u1', 'StudentShared', studentRecord('u1'))]);
      rm().when(
        log.append(
          'user-u1',
          'StudentUpdated',
          updated('u1', {}, {
            'name.last': { from: 'Lovelace', to: 'King' },
            email: { from: 'u1@example.org', to: 'ada.king@example.org' },
            sis_id: { from: 'SIS-u1', to: 'SIS-9' },
          }),
        ),
      );

      const account = await rm().models.account('u1');
      expect(account!.person.personal).toEqual({ name: { first: 'Ada', last: 'King' }, email: 'ada.king@example.org' });
      expect(account!.person.roles.student!.personal['sis_id']).toBe('SIS-9');
      for (const text of ['ada king', 'king', 'ada.king@example.org', 'sis-9']) expect(await search(text)).toEqual(['u1']);
      // ids, names and emails are history: support may only know those the student had
      for (const text of ['sis-u1', 'lovelace', 'Ada Lovelace', 'lovelace ada', 'u1@example.org']) expect(await search(text)).toEqual(['u1']);
      // an email is matched whole, as a present one is; a name never had matches nothing
      for (const text of ['u1@example', 'ada turing']) expect(await search(text)).toEqual([]);
      // a search says which accounts it found only by what they had before: the account shows the present ones
      const formerOnly = (text: string) => rm().models.searchAccounts(text, { limit: 10 }).then((found) => found.foundByFormer);
      for (const text of ['sis-u1', 'lovelace', 'Ada Lovelace', 'u1@example.org']) expect([text, await formerOnly(text)]).toEqual([text, ['u1']]);
      for (const text of ['ada king', 'king', 'a', 'ada.king@example.org', 'sis-9', 'U1']) expect([text, await formerOnly(text)]).toEqual([text, []]);
    });

    it('finds a person by the username they sign in with, of any role, ignoring case, and by one they had before', async () => {
      const log = new EventLog();
      const student = studentRecord('u1');
      const teacher = teacherRecord('t1');
      rm().given([log.append('user-t1', 'TeacherShared', { ...teacher, personal: { ...teacher.personal, credentials: { district_username: 'ghopper' } } })]);
      rm().when(log.append('user-u1', 'StudentShared', { ...student, personal: { ...student.personal, credentials: { district_username: 'AdaL42' } } }));
      expect(await search('adal42')).toEqual(['u1']);
      expect(await search('GHOPPER')).toEqual(['t1']);
      expect(await search('adal')).toEqual([]); // matched whole, as ids are
      rm().when(log.append('user-u1', 'StudentUpdated', updated('u1', {}, { 'credentials.district_username': { from: 'AdaL42', to: 'aking7' } })));
      expect(await search('aking7')).toEqual(['u1']);
      // a ticket written before the change names the old one: found, and said to be former
      const found = await rm().models.searchAccounts('adal42', { limit: 10 });
      expect([found.items.map((a) => a.id), found.foundByFormer]).toEqual([['u1'], ['u1']]);
    });

    it('keeps every name an account had findable, and finds nothing by a name only another account had', async () => {
      const log = new EventLog();
      rm().given([log.append('user-u1', 'StudentShared', studentRecord('u1')), log.append('user-u2', 'StudentShared', studentRecord('u2', { first: 'Alan', last: 'Turing' }))]);
      rm().when(
        log.append('user-u1', 'StudentUpdated', updated('u1', {}, { 'name.last': { from: 'Lovelace', to: 'King' } })),
        log.append('user-u1', 'StudentUpdated', updated('u1', {}, { 'name.last': { from: 'King', to: 'Byron' } })),
        // a change of another field keeps the name as it is: no key of it is added again
        log.append('user-u1', 'StudentUpdated', updated('u1', {}, { sis_id: { from: 'SIS-u1', to: 'SIS-2' } })),
      );
      for (const text of ['lovelace', 'king', 'byron', 'ada']) expect(await search(text)).toEqual(['u1']);
      expect(await search('turing')).toEqual(['u2']);
      // the table of former names holds the two names the account left, as search keys
      const former = rm().rows('account_more_names', 'accounts', 'ORDER BY name').map((row) => row['name']);
      expect(former).toEqual(['ada king', 'ada lovelace', 'king ada', 'lovelace ada']);
    });
  });

  describe('DemographicUpdated', () => {
    it("changes the demographic in the student's facet and nothing else", async () => {
      const log = new EventLog();
      rm().given([log.append('user-u1', 'StudentShared', studentRecord('u1'), { observedAt: DAY1 })]);
      const before = await rm().models.account('u1');
      rm().when(log.append('user-u1', 'DemographicUpdated', demographicUpdated('u1', { gender: { from: 'F', to: 'X' }, ell_status: { from: null, to: 'Y' } }), { observedAt: DAY2 }));

      const account = await rm().models.account('u1');
      expect(account!.person.roles.student!.personal).toEqual({ ...before!.person.roles.student!.personal, gender: 'X', ell_status: 'Y' });
      expect(account!.person.roles.student!.fields).toEqual(before!.person.roles.student!.fields);
      expect(account).toMatchObject({ status: 'active', roles: ['student'], lastChangedAt: DAY2 });
    });
  });

  describe('StudentRemoved', () => {
    it('marks the account removed, when and by which sync, and keeps it findable after the active ones', async () => {
      const log = new EventLog();
      rm().given([
        log.append('user-u1', 'StudentShared', studentRecord('u1'), { observedAt: DAY1, syncId: 'sync-1' }),
        log.append('user-u2', 'StudentShared', studentRecord('u2', { first: 'Ada', last: 'Byron' }), { observedAt: DAY1, syncId: 'sync-1' }),
      ]);
      rm().when(log.append('user-u1', 'StudentRemoved', removed('u1'), { observedAt: DAY2, syncId: 'sync-2' }));

      expect(await rm().models.account('u1')).toMatchObject({
        status: 'removed',
        roles: [],
        removedAt: DAY2,
        removedSync: 'sync-2',
        firstSharedAt: DAY1,
        // the person is kept as last known, so support can still say who it was
        person: { personal: { name: { first: 'Ada', last: 'Lovelace' } } },
      });
      // and rosters and timelines name it by the name it had last, without reading its document
      expect(await rm().models.accountNames(['u1', 'never-seen'])).toEqual([{ id: 'u1', status: 'removed', name: { first: 'Ada', last: 'Lovelace' }, student: true }]);
      expect(await search('ada')).toEqual(['u2', 'u1']); // removed accounts come last
      expect(await search('u1@example.org')).toEqual(['u1']);
      expect(await search('u1')).toEqual(['u1']);
    });

    it('keeps a removed student findable by SIS id, student number and state id, as by name and email', async () => {
      const log = new EventLog();
      rm().given([log.append('user-u1', 'StudentShared', studentRecord('u1'), { observedAt: DAY1 })]);
      rm().when(log.append('user-u1', 'StudentRemoved', removed('u1'), { observedAt: DAY2 }));
      const found = { sis: await search('sis-u1'), number: await search('sn-u1'), state: await search('st-u1'), name: await search('ada lovelace') };
      expect(found).toEqual({ sis: ['u1'], number: ['u1'], state: ['u1'], name: ['u1'] });
      // and keeps the role as it stood, so that what found it can be checked against it
      expect((await rm().models.account('u1'))!.formerFacets).toEqual({
        student: { fields: expect.objectContaining({ grade: '9' }), personal: expect.objectContaining({ sis_id: 'SIS-u1', student_number: 'SN-u1', state_id: 'ST-u1' }) },
      });
    });

    it('is active again, with the removal cleared, when a later StudentShared says sharedAgain', async () => {
      const log = new EventLog();
      rm().given([
        log.append('user-u1', 'StudentShared', studentRecord('u1'), { observedAt: DAY1, syncId: 'sync-1' }),
        log.append('user-u1', 'StudentRemoved', removed('u1'), { observedAt: DAY2, syncId: 'sync-2' }),
      ]);
      rm().when(log.append('user-u1', 'StudentShared', studentRecord('u1', { grade: '10', sharedAgain: true }), { observedAt: DAY3, syncId: 'sync-3' }));

      const account = await rm().models.account('u1');
      expect(account).toMatchObject({ status: 'active', roles: ['student'], removedAt: null, removedSync: null, firstSharedAt: DAY1, firstSharedSync: 'sync-1', lastChangedAt: DAY3 });
      expect(account!.person.roles.student!.fields['grade']).toBe('10');
      expect(account!.person.pastRoles).toEqual(['student']);
      // the role held again is no former one
      expect(account!.formerFacets).toEqual({});
      // and as of each moment, the account as it stood then: not yet shared, shared, removed, shared again
      const then = async (at: string) => (await rm().models.accountAsOf('u1', at))?.status ?? 'not yet shared';
      expect([await then('2024-08-01T00:00:00.000Z'), await then(DAY1), await then(DAY2), await then(DAY3)]).toEqual(['not yet shared', 'active', 'removed', 'active']);
      expect(await rm().models.accountAsOf('never-seen', DAY3)).toBeNull();
    });
  });

  describe('TeacherShared / TeacherUpdated / TeacherRemoved', () => {
    it('opens a teacher account, findable by teacher number and SIS id', async () => {
      const log = new EventLog();
      rm().when(log.append('user-t1', 'TeacherShared', teacherRecord('t1'), { observedAt: DAY1 }));
      expect(await rm().models.account('t1')).toMatchObject({ status: 'active', roles: ['teacher'], firstSharedAt: DAY1 });
      expect(await search('tn-t1')).toEqual(['t1']);
      expect(await search('tsis-t1')).toEqual(['t1']);
      expect(await search('grace hopper')).toEqual(['t1']);
    });

    it('changes the teacher facet on TeacherUpdated', async () => {
      const log = new EventLog();
      rm().given([log.append('user-t1', 'TeacherShared', teacherRecord('t1'))]);
      rm().when(log.append('user-t1', 'TeacherUpdated', updated('t1', { title: { from: 'Teacher', to: 'Lead Teacher' } }, { teacher_number: { from: 'TN-t1', to: 'TN-77' } })));
      const account = await rm().models.account('t1');
      expect(account!.person.roles.teacher).toMatchObject({ fields: { title: 'Lead Teacher' }, personal: { teacher_number: 'TN-77' } });
      expect(await search('tn-77')).toEqual(['t1']);
      expect(await search('tn-t1')).toEqual(['t1']); // the old number still finds the teacher
    });

    it('removes the account when its only role, teacher, is removed', async () => {
      const log = new EventLog();
      rm().given([log.append('user-t1', 'TeacherShared', teacherRecord('t1'), { observedAt: DAY1 })]);
      rm().when(log.append('user-t1', 'TeacherRemoved', removed('t1'), { observedAt: DAY2, syncId: 'sync-2' }));
      expect(await rm().models.account('t1')).toMatchObject({ status: 'removed', roles: [], removedAt: DAY2, removedSync: 'sync-2' });
    });
  });

  describe('StaffShared / StaffUpdated / StaffRemoved', () => {
    it('opens a staff account findable by staff id, changes it, and removes it', async () => {
      const log = new EventLog();
      rm().when(log.append('user-st1', 'StaffShared', staffRecord('st1'), { observedAt: DAY1 }));
      expect(await rm().models.account('st1')).toMatchObject({ status: 'active', roles: ['staff'] });
      expect(await search('staff-st1')).toEqual(['st1']);

      rm().when(log.append('user-st1', 'StaffUpdated', updated('st1', { title: { from: 'Counselor', to: 'Head Counselor' } }), { observedAt: DAY2 }));
      expect((await rm().models.account('st1'))!.person.roles.staff!.fields['title']).toBe('Head Counselor');

      rm().when(log.append('user-st1', 'StaffRemoved', removed('st1'), { observedAt: DAY3, syncId: 'sync-3' }));
      expect(await rm().models.account('st1')).toMatchObject({ status: 'removed', roles: [], removedAt: DAY3, removedSync: 'sync-3' });
    });
  });

  describe('DistrictAdminShared / DistrictAdminUpdated / DistrictAdminRemoved', () => {
    it('opens a district admin account, changes it, and removes it', async () => {
      const log = new EventLog();
      rm().when(log.append('user-a1', 'DistrictAdminShared', districtAdminRecord('a1'), { observedAt: DAY1 }));
      expect(await rm().models.account('a1')).toMatchObject({ status: 'active', roles: ['district_admin'] });
      expect(await search('mary jackson')).toEqual(['a1']);

      rm().when(log.append('user-a1', 'DistrictAdminUpdated', updated('a1', { title: { from: 'Superintendent', to: 'Deputy' } }), { observedAt: DAY2 }));
      expect((await rm().models.account('a1'))!.person.roles.district_admin!.fields['title']).toBe('Deputy');

      rm().when(log.append('user-a1', 'DistrictAdminRemoved', removed('a1'), { observedAt: DAY3 }));
      expect(await rm().models.account('a1')).toMatchObject({ status: 'removed', roles: [], removedAt: DAY3 });
    });
  });

  describe('a person with several roles', () => {
    const teacherAndStaff = (log: EventLog) => [
      log.append('user-t1', 'TeacherShared', teacherRecord('t1'), { observedAt: DAY1 }),
      log.append('user-t1', 'StaffShared', staffRecord('t1', { schools: ['s2'] }), { observedAt: DAY1 }),
    ];

    it('is one account with every active role, findable by the ids of each', async () => {
      const log = new EventLog();
      rm().when(...teacherAndStaff(log));
      expect(await rm().models.account('t1')).toMatchObject({ status: 'active', roles: ['teacher', 'staff'] });
      expect(await search('tn-t1')).toEqual(['t1']);
      expect(await search('staff-t1')).toEqual(['t1']);
    });

    it('stays active when one role is removed, and is removed with the last one', async () => {
      const log = new EventLog();
      rm().given(teacherAndStaff(log));
      rm().when(log.append('user-t1', 'TeacherRemoved', removed('t1'), { observedAt: DAY2 }));
      expect(await rm().models.account('t1')).toMatchObject({ status: 'active', roles: ['staff'], removedAt: null });
      expect(await search('staff-t1')).toEqual(['t1']);

      rm().when(log.append('user-t1', 'StaffRemoved', removed('t1'), { observedAt: DAY3, syncId: 'sync-3' }));
      expect(await rm().models.account('t1')).toMatchObject({ status: 'removed', roles: [], removedAt: DAY3, removedSync: 'sync-3' });
    });
  });

  describe('what it leaves alone', () => {
    it('ignores every stream but users', async () => {
      const log = new EventLog();
      rm().when(
        log.append('sync-sync-1', 'SyncStarted', syncStarted('sync-1', DAY1)),
        log.append('school-s1', 'SchoolShared', namedRecord('s1', 'Lincoln High')),
        log.append('section-sec1', 'SectionShared', sectionRecord('sec1')),
        log.append('section-sec1', 'StudentEnrolled', enrollment('sec1', 'u1')),
      );
      expect(rm().rows('accounts')).toEqual([]);
      expect(rm().rows('account_ids')).toEqual([]);
    });

    it('opens no account for an update or a removal of a user it never saw shared', async () => {
      const log = new EventLog();
      rm().when(
        log.append('user-u9', 'StudentUpdated', updated('u9', { grade: { from: '9', to: '10' } })),
        log.append('user-u9', 'DemographicUpdated', demographicUpdated('u9', { gender: { from: 'F', to: 'X' } })),
        log.append('user-u8', 'TeacherRemoved', removed('u8')),
      );
      expect(rm().rows('accounts')).toEqual([]);
    });
  });
});
