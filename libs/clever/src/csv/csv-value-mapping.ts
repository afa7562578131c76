import { FRL_STATUSES, GENDERS, GRADES, HOME_LANGUAGES_V3_0, RACES, SUBJECTS, YES_NO } from '../clever-enums';

/**
 * CSV values -> the values Clever's API shows for them (clever-data.md §7.3, §7.8). Every mapping
 * is case-insensitive and also accepts Clever's own API spelling. A value it does not know is
 * returned as it is: the normalizer then keeps it and lists it in `unknownValues`, exactly as the
 * JSON reader does for an API value outside an enumeration. `""` stays `""` (no value).
 */
export type ValueMapping = (raw: string) => string;

/** A table of lower-case CSV spellings; Clever's own values are added to it. */
function lookup(table: Readonly<Record<string, string>>, canonical: ReadonlySet<string>): ValueMapping {
  const map = new Map<string, string>();
  for (const value of canonical) map.set(value.toLowerCase(), value);
  for (const [spelling, value] of Object.entries(table)) map.set(spelling, value);
  return (raw) => map.get(raw.toLowerCase()) ?? raw;
}

/** `M/F/X`; the demo file writes `male`/`female`. */
export const mapGender: ValueMapping = lookup({ male: 'M', female: 'F' }, GENDERS);

/**
 * Clever's SFTP letter codes (A, B, I, M, P, W; verified on the demo district's 1,004 students
 * except P) and the usual federal category words.
 */
export const mapRace: ValueMapping = lookup(
  {
    a: 'Asian',
    b: 'Black or African American',
    black: 'Black or African American',
    'african american': 'Black or African American',
    i: 'American Indian',
    'american indian or alaska native': 'American Indian',
    m: 'Two or More Races',
    multiracial: 'Two or More Races',
    p: 'Hawaiian or Other Pacific Islander',
    'hawaiian or pacific islander': 'Hawaiian or Other Pacific Islander',
    'native hawaiian or other pacific islander': 'Hawaiian or Other Pacific Islander',
    w: 'Caucasian',
    white: 'Caucasian',
  },
  RACES,
);

/** Hispanic_Latino, Ell_status, IEP_status: `Y`/`N`. */
export const mapYesNo: ValueMapping = lookup({ yes: 'Y', true: 'Y', no: 'N', false: 'N' }, YES_NO);

/**
 * `Free/Reduced/Paid`; district exporters send `F`/`R`/`N` (not eligible, i.e. pays full price:
 * `Paid`, our reading of it) or `P`.
 */
export const mapFrlStatus: ValueMapping = lookup({ f: 'Free', r: 'Reduced', n: 'Paid', p: 'Paid' }, FRL_STATUSES);

const GRADE_WORDS = lookup(
  {
    k: 'Kindergarten',
    kg: 'Kindergarten',
    pk: 'PreKindergarten',
    'pre-k': 'PreKindergarten',
    prek: 'PreKindergarten',
    'pre-kindergarten': 'PreKindergarten',
    tk: 'TransitionalKindergarten',
  },
  GRADES,
);
const GRADE_NUMBER = /^0*(\d{1,2})$/;

/**
 * Grades: `0` (the demo file's kindergarten, -> `Kindergarten`), `1`–`13` also zero-padded (`01`),
 * `K`/`KG`, `PK`/`Pre-K`, `TK`, and Clever's own words.
 */
export const mapGrade: ValueMapping = (raw) => {
  const number = GRADE_NUMBER.exec(raw);
  if (number) {
    const grade = Number(number[1]);
    if (grade === 0) return 'Kindergarten';
    if (grade <= 13) return String(grade);
  }
  return GRADE_WORDS(raw);
};

/** Section subjects, in Clever's spelling (`Math` -> `math`, `PE and Health` -> `PE and health`). */
export const mapSubject: ValueMapping = lookup({}, SUBJECTS);

/**
 * Home_language: a language name in any case (`spanish`, `SPANISH`) becomes Clever's spelling in
 * its v3.0 list (`Spanish`), as Clever shows an SFTP value (clever-data.md §7.3). Not in the list:
 * kept as given, and listed as an unknown value (see isCleverHomeLanguage).
 */
export const mapHomeLanguage: ValueMapping = lookup({}, HOME_LANGUAGES_V3_0);

/** Whether a mapped Home_language is one of Clever's v3.0 names (or no value). */
export function isCleverHomeLanguage(mapped: string): boolean {
  return mapped === '' || HOME_LANGUAGES_V3_0.has(mapped);
}
