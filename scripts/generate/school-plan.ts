import { CREATED } from './calendar';
import { allocateColumns, cell, copyColumns } from './columns';
import type { Columns } from './columns';
import { GRADE_COUNT, LEVELS, levelAt } from './curriculum';
import { BOROUGH, BOROUGHS } from './demographics';
import { HIGH_SCHOOL_THEMES, NAMESAKES, STREETS } from './name-lists';
import type { IdFactory } from './object-ids';
import { spreadCreatedMs } from './object-ids';
import type { Prng } from './prng';

const SCHOOL_COLUMNS = {
  createdMs: Float64Array,
  level: Uint8Array,
  borough: Uint8Array,
  zip: Int32Array,
  /** Relative size within its level: students pick a school with this weight. */
  weight: Float64Array,
  /** Staff row of the principal (-1 until the staff are planned). */
  principal: Int32Array,
  /** 1 when this snapshot changed the school (its last_modified is the snapshot's change time). */
  modified: Uint8Array,
} as const;

export interface SchoolTable extends Columns<typeof SCHOOL_COLUMNS> {
  count: number;
  ids: string[];
  names: string[];
  /** NYC-style "DBN" (community district, borough letter, number): the school_number and sis_id. */
  numbers: string[];
  addresses: string[];
  phones: string[];
}

/** Students a grade of each level has, out of the 13 grades K-12 (NYC grades are about equal in size). */
function levelShare(levelIndex: number): number {
  const level = levelAt(levelIndex);
  return (level.highGrade - level.lowGrade + 1) / GRADE_COUNT;
}

/** Community school districts per borough, for school numbers. */
const COMMUNITY_DISTRICTS: Record<string, readonly number[]> = {
  K: [13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 32],
  Q: [24, 25, 26, 27, 28, 29, 30],
  X: [7, 8, 9, 10, 11, 12],
  M: [1, 2, 3, 4, 5, 6],
  R: [31],
};

/**
 * Elementary (K-5), middle (6-8) and high (9-12) schools, about one per 500 students as in NYC,
 * at least one of each kind. The file order is shuffled: Clever lists schools by creation, not kind.
 */
export function planSchools(studentCount: number, prng: Prng, ids: IdFactory): SchoolTable {
  const levels: number[] = [];
  LEVELS.forEach((level, index) => {
    const count = Math.max(1, Math.round((studentCount * levelShare(index)) / level.meanSchoolSize));
    for (let i = 0; i < count; i++) levels.push(index);
  });
  for (let i = levels.length - 1; i > 0; i--) {
    const j = prng.int(i + 1);
    [levels[i], levels[j]] = [levels[j] as number, levels[i] as number];
  }

  const count = levels.length;
  const columns = allocateColumns(SCHOOL_COLUMNS, count);
  const table: SchoolTable = { ...columns, count, ids: [], names: [], numbers: [], addresses: [], phones: [] };
  const nextNumber = new Map<string, number>();
  levels.forEach((levelIndex, row) => {
    const level = levelAt(levelIndex);
    const boroughIndex = BOROUGH.value(BOROUGH.draw(prng));
    const borough = BOROUGHS[boroughIndex] as (typeof BOROUGHS)[number];
    // One running number per borough (with gaps, as closed schools leave them) keeps numbers unique.
    const number = (nextNumber.get(borough.letter) ?? 1) + prng.int(2);
    nextNumber.set(borough.letter, number + 1);
    const namesake = prng.pick(NAMESAKES);
    const name =
      level.name === 'elementary'
        ? `P.S. ${number} ${namesake}`
        : level.name === 'middle'
          ? `${prng.pick(['I.S.', 'M.S.', 'J.H.S.'])} ${number} ${namesake}`
          : prng.chance(0.5)
            ? `${namesake} High School`
            : `High School for ${prng.pick(HIGH_SCHOOL_THEMES)}`;
    const communityDistrict = prng.pick(COMMUNITY_DISTRICTS[borough.letter] ?? [1]);
    table.createdMs[row] = spreadCreatedMs(CREATED.schools[0], CREATED.schools[1], row, count);
    table.level[row] = levelIndex;
    table.borough[row] = boroughIndex;
    table.zip[row] = prng.pick(borough.zips);
    table.weight[row] = Math.exp(level.sizeSigma * prng.normal());
    table.principal[row] = -1;
    table.ids.push(ids.id('school', cell(table.createdMs, row), row));
    table.names.push(name);
    table.numbers.push(`${String(communityDistrict).padStart(2, '0')}${borough.letter}${String(number).padStart(3, '0')}`);
    table.addresses.push(`${prng.between(1, 2999)} ${prng.pick(STREETS)}`);
    table.phones.push(`(${borough.phone}) 555-${String(prng.between(100, 9999)).padStart(4, '0')}`);
  });
  return table;
}

/** A copy the churn can rename schools in. */
export function copySchools(from: SchoolTable): SchoolTable {
  return {
    ...copyColumns(SCHOOL_COLUMNS, from, from.count, from.count),
    count: from.count,
    ids: from.ids,
    names: [...from.names],
    numbers: from.numbers,
    addresses: from.addresses,
    phones: from.phones,
  };
}
