// Clever's values themselves, from the clever lib's index (as every lib is met through its index)
import { GENDER_VALUES, RACE_VALUES } from '@roster-ledger/clever';
import type { Prng } from './prng';
import { WeightedTable } from './weighted-table';

/**
 * Student demographics in Clever's enumerations (clever-data.md §3.1), with New-York-like
 * proportions (NYC DOE 2023-24: ~41% Hispanic, ~20% Black, ~19% Asian, ~16% White, ~13% English
 * language learners, ~21% students with disabilities, ~73% economically disadvantaged).
 * Clever keeps ethnicity (hispanic_ethnicity) apart from race, so Hispanic students also carry a race.
 */
export const GENDERS = GENDER_VALUES;
export const GENDER = new WeightedTable([['M', 49], ['F', 49], ['X', 2]] as const);

export const RACES = RACE_VALUES;
export const RACE_OF = Object.fromEntries(RACES.map((race, i) => [race, i])) as Record<(typeof RACES)[number], number>;

/** Share of students with hispanic_ethnicity Y. */
export const HISPANIC_SHARE = 0.41;
const RACE_IF_HISPANIC = new WeightedTable<number>([
  [RACE_OF['Caucasian'], 42],
  [RACE_OF['Unknown'], 26],
  [RACE_OF['Two or More Races'], 13],
  [RACE_OF['Black or African American'], 10],
  [RACE_OF['American Indian'], 7],
  [RACE_OF['Asian'], 1],
  [RACE_OF['Hawaiian or Other Pacific Islander'], 1],
]);
const RACE_IF_NOT_HISPANIC = new WeightedTable<number>([
  [RACE_OF['Black or African American'], 34],
  [RACE_OF['Asian'], 32],
  [RACE_OF['Caucasian'], 27.5],
  [RACE_OF['Two or More Races'], 4],
  [RACE_OF['American Indian'], 1],
  [RACE_OF['Hawaiian or Other Pacific Islander'], 0.7],
  [RACE_OF['Unknown'], 0.8],
]);

export function drawRace(hispanic: boolean, prng: Prng): number {
  const table = hispanic ? RACE_IF_HISPANIC : RACE_IF_NOT_HISPANIC;
  return table.value(table.draw(prng));
}

export const YES_NO = ['N', 'Y'] as const;

export const FRL_STATUSES = ['Free', 'Reduced', 'Paid'] as const;
export const FRL = new WeightedTable([['Free', 68], ['Reduced', 4], ['Paid', 28]] as const);

export const IEP_SHARE = 0.2;

/** v3.0's validated home_language list has no Haitian Creole or Yiddish; the nearest listed values stand in. */
export const HOME_LANGUAGES = [
  'English', 'Spanish', 'Chinese', 'Bengali', 'Russian', 'Arabic', 'Urdu', 'French', 'Mandarin', 'Cantonese',
  'Korean', 'Polish', 'Punjabi', 'Albanian', 'Tagalog', 'Vietnamese', 'Nepali', 'Hindi', 'Hebrew', 'Ukrainian',
] as const;
export const ENGLISH = 0;
const HOME_LANGUAGE_IF_HISPANIC = new WeightedTable<number>([[0, 45], [1, 55]]);
const HOME_LANGUAGE_IF_ASIAN = new WeightedTable<number>([
  [0, 35], [2, 20], [3, 12], [8, 8], [9, 6], [10, 5], [6, 5], [12, 3], [14, 2], [15, 2], [16, 1], [17, 1],
]);
const HOME_LANGUAGE_OTHERWISE = new WeightedTable<number>([
  [0, 88], [5, 2.5], [7, 3], [4, 2.5], [11, 1], [13, 1], [18, 1], [19, 1],
]);

export function drawHomeLanguage(hispanic: boolean, race: number, prng: Prng): number {
  const table = hispanic ? HOME_LANGUAGE_IF_HISPANIC : race === RACE_OF['Asian'] ? HOME_LANGUAGE_IF_ASIAN : HOME_LANGUAGE_OTHERWISE;
  return table.value(table.draw(prng));
}

/**
 * English language learners are mostly students whose home language is not English; the two
 * rates give about 13% overall with the language mix above.
 */
export function drawEll(homeLanguage: number, prng: Prng): boolean {
  return prng.chance(homeLanguage === ENGLISH ? 0.004 : 0.3);
}

/** Boroughs: where schools and students are, for cities, zips and school numbers (NYC "DBN"). */
export const BOROUGHS = [
  { city: 'Brooklyn', letter: 'K', phone: '718', share: 31, zips: range(11201, 11239) },
  { city: 'Queens', letter: 'Q', phone: '718', share: 28, zips: [...range(11354, 11375), ...range(11411, 11436)] },
  { city: 'Bronx', letter: 'X', phone: '718', share: 24, zips: range(10451, 10475) },
  { city: 'New York', letter: 'M', phone: '212', share: 13, zips: range(10001, 10040) },
  { city: 'Staten Island', letter: 'R', phone: '718', share: 6, zips: range(10301, 10314) },
] as const;
export const BOROUGH = new WeightedTable(BOROUGHS.map((borough, i) => [i, borough.share] as const));

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
