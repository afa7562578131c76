/**
 * Values Clever validates (clever-data.md §3.1). `""` and null are "no value" and never reach these
 * sets. A value outside a set is kept as it is and reported as unknown, never rejected: Clever
 * adds values between versions.
 */
export const GRADES: ReadonlySet<string> = new Set([
  'InfantToddler',
  'Preschool',
  'PreKindergarten',
  'TransitionalKindergarten',
  'Kindergarten',
  ...Array.from({ length: 13 }, (_, i) => String(i + 1)),
  'PostGraduate',
  'Ungraded',
  'Other',
]);

export const SUBJECTS: ReadonlySet<string> = new Set([
  'english/language arts',
  'math',
  'science',
  'social studies',
  'language',
  'homeroom/advisory',
  'interventions/online learning',
  'technology and engineering',
  'PE and health',
  'arts and music',
  'other',
]);

export const GENDERS: ReadonlySet<string> = new Set(['M', 'F', 'X']);

export const RACES: ReadonlySet<string> = new Set([
  'Caucasian',
  'Asian',
  'Black or African American',
  'American Indian',
  'Hawaiian or Other Pacific Islander',
  'Two or More Races',
  'Unknown',
]);

/** hispanic_ethnicity, ell_status, section_504_status, gifted_status, disability.disability_status */
export const YES_NO: ReadonlySet<string> = new Set(['Y', 'N']);

export const FRL_STATUSES: ReadonlySet<string> = new Set(['Free', 'Reduced', 'Paid', 'Other']);

/** v3.1 `disability.disability_type` (CEDS 000218). */
export const DISABILITY_TYPES: ReadonlySet<string> = new Set([
  'Autism',
  'Deaf-blindness',
  'Developmental delay',
  'Emotional disturbance',
  'Hearing impairment',
  'Intellectual Disability',
  'Multiple disabilities',
  'Orthopedic impairment',
  'Other',
  'Other health impairment',
  'Specific learning disability',
  'Speech or language impairment',
  'Traumatic brain injury',
  'Visual impairment',
]);

/** v3.1 `disability.disability_code`. */
export const DISABILITY_CODES: ReadonlySet<string> = new Set([
  'aut', 'db', 'dd', 'emn', 'hi', 'id', 'md', 'oi', 'other', 'ohi', 'sld', 'sli', 'tbi', 'vi',
]);
