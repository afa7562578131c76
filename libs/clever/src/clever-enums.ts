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

/** In Clever's order, which the generator's tables index by. */
export const SUBJECT_VALUES = [
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
] as const;
export const SUBJECTS: ReadonlySet<string> = new Set(SUBJECT_VALUES);

/** In Clever's order, which the generator's tables index by. */
export const GENDER_VALUES = ['M', 'F', 'X'] as const;
export const GENDERS: ReadonlySet<string> = new Set(GENDER_VALUES);

/** In Clever's order, which the generator's tables index by. */
export const RACE_VALUES = [
  'Caucasian',
  'Asian',
  'Black or African American',
  'American Indian',
  'Hawaiian or Other Pacific Islander',
  'Two or More Races',
  'Unknown',
] as const;
export const RACES: ReadonlySet<string> = new Set(RACE_VALUES);

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

/**
 * v3.0 `home_language` (47 names; clever-data.md §3.1), the list an SFTP `Home_language` becomes
 * (§7.3). The JSON reader does not check it: v3.1 replaces it with a 152-name ISO-639-3 list.
 */
export const HOME_LANGUAGES_V3_0: ReadonlySet<string> = new Set([
  'English', 'Albanian', 'Amharic', 'Arabic', 'Bengali', 'Bosnian', 'Burmese', 'Cantonese',
  'Chinese', 'Dutch', 'Farsi', 'French', 'German', 'Hebrew', 'Hindi', 'Hmong', 'Ilocano',
  'Japanese', 'Javanese', 'Karen', 'Khmer', 'Korean', 'Laotian', 'Latvian', 'Malay', 'Mandarin',
  'Nepali', 'Oromo', 'Polish', 'Portuguese', 'Punjabi', 'Romanian', 'Russian', 'Samoan', 'Serbian',
  'Somali', 'Spanish', 'Swahili', 'Tagalog', 'Tamil', 'Telugu', 'Thai', 'Tigrinya', 'Turkish',
  'Ukrainian', 'Urdu', 'Vietnamese',
]);
