// Clever's values themselves, from the clever lib's index (as every lib is met through its index)
import { SUBJECT_VALUES } from '@roster-ledger/clever';
import type { Prng } from './prng';

/** Clever's section subjects (clever-data.md §3.1), in Clever's order: the index is what tables store (SUBJECT below). */
export const SUBJECTS = SUBJECT_VALUES;

export const SUBJECT = {
  english: 0,
  math: 1,
  science: 2,
  socialStudies: 3,
  language: 4,
  homeroom: 5,
  interventions: 6,
  technology: 7,
  pe: 8,
  arts: 9,
  other: 10,
} as const;

/** Grades 0 (kindergarten) to 12, as Clever writes them. */
export const GRADE_LABELS = ['Kindergarten', ...Array.from({ length: 12 }, (_, i) => String(i + 1))] as const;
export const GRADE_COUNT = GRADE_LABELS.length;

export function gradeLabel(grade: number): string {
  const label = GRADE_LABELS[grade];
  if (label === undefined) throw new RangeError(`no grade ${grade}`);
  return label;
}

export interface Elective {
  subject: number;
  probability: number;
}

/**
 * A kind of school. Sizes are lognormal around the mean (NYC: ~1,800 schools for ~912k students,
 * about 500 a school; high schools vary most). Secondary students take the four core subjects plus
 * up to three electives (4-7 sections); elementary students have a homeroom class and at most one
 * "special" (1-2 sections).
 */
export interface Level {
  name: 'elementary' | 'middle' | 'high';
  lowGrade: number;
  highGrade: number;
  meanSchoolSize: number;
  sizeSigma: number;
  core: readonly number[];
  electives: readonly Elective[];
  /** At most this many electives; with `exclusive`, one draw picks at most one of them. */
  maxElectives: number;
  exclusive: boolean;
  /** The order in which a school's sections are built: teachers get runs of one subject. */
  subjects: readonly number[];
}

const CORE = [SUBJECT.english, SUBJECT.math, SUBJECT.science, SUBJECT.socialStudies];

function level(spec: Omit<Level, 'subjects'>): Level {
  return { ...spec, subjects: [...spec.core, ...spec.electives.map((elective) => elective.subject)] };
}

export const LEVELS: readonly Level[] = [
  level({
    name: 'elementary',
    lowGrade: 0,
    highGrade: 5,
    meanSchoolSize: 450,
    sizeSigma: 0.4,
    core: [SUBJECT.homeroom],
    electives: [
      { subject: SUBJECT.arts, probability: 0.4 },
      { subject: SUBJECT.pe, probability: 0.3 },
    ],
    maxElectives: 1,
    exclusive: true,
  }),
  level({
    name: 'middle',
    lowGrade: 6,
    highGrade: 8,
    meanSchoolSize: 550,
    sizeSigma: 0.45,
    core: CORE,
    electives: [
      { subject: SUBJECT.pe, probability: 0.85 },
      { subject: SUBJECT.arts, probability: 0.6 },
      { subject: SUBJECT.language, probability: 0.45 },
      { subject: SUBJECT.technology, probability: 0.2 },
      { subject: SUBJECT.interventions, probability: 0.15 },
    ],
    maxElectives: 3,
    exclusive: false,
  }),
  level({
    name: 'high',
    lowGrade: 9,
    highGrade: 12,
    meanSchoolSize: 650,
    sizeSigma: 0.6,
    core: CORE,
    electives: [
      { subject: SUBJECT.language, probability: 0.8 },
      { subject: SUBJECT.pe, probability: 0.8 },
      { subject: SUBJECT.arts, probability: 0.4 },
      { subject: SUBJECT.technology, probability: 0.3 },
      { subject: SUBJECT.other, probability: 0.2 },
    ],
    maxElectives: 3,
    exclusive: false,
  }),
];

export const ELEMENTARY = 0;
export const MIDDLE = 1;
export const HIGH = 2;

export function levelOfGrade(grade: number): number {
  return grade <= 5 ? ELEMENTARY : grade <= 8 ? MIDDLE : HIGH;
}

export function levelAt(index: number): Level {
  const found = LEVELS[index];
  if (found === undefined) throw new RangeError(`no level ${index}`);
  return found;
}

/** The electives a student of this level takes, as a bit mask over subject indices. */
export function drawElectives(levelIndex: number, prng: Prng): number {
  const { electives, maxElectives, exclusive } = levelAt(levelIndex);
  let mask = 0;
  if (exclusive) {
    let roll = prng.float();
    for (const { subject, probability } of electives) {
      if (roll < probability) return 1 << subject;
      roll -= probability;
    }
    return 0;
  }
  let taken = 0;
  for (const { subject, probability } of electives) {
    if (taken < maxElectives && prng.chance(probability)) {
      mask |= 1 << subject;
      taken++;
    }
  }
  return mask;
}

/** Does a student of this level with these electives take this subject? */
export function takesSubject(levelIndex: number, electives: number, subject: number): boolean {
  return levelAt(levelIndex).core.includes(subject) || (electives & (1 << subject)) !== 0;
}

export interface CourseDef {
  subject: number;
  grade: number;
  name: string;
  number: string;
}

const ROMAN = ['I', 'II', 'III', 'IV'];
const HIGH_SCHOOL_COURSES: Partial<Record<number, readonly string[]>> = {
  [SUBJECT.english]: ['English 9', 'English 10', 'English 11', 'English 12'],
  [SUBJECT.math]: ['Algebra I', 'Geometry', 'Algebra II', 'Pre-Calculus'],
  [SUBJECT.science]: ['Living Environment', 'Earth Science', 'Chemistry', 'Physics'],
  [SUBJECT.socialStudies]: ['Global History I', 'Global History II', 'US History', 'Government and Economics'],
  [SUBJECT.language]: ROMAN.map((numeral) => `Spanish ${numeral}`),
  [SUBJECT.technology]: ['Intro to Computer Science', 'Robotics', 'AP Computer Science Principles', 'Web Design'],
  [SUBJECT.pe]: ['Physical Education 9', 'Physical Education 10', 'Health', 'Physical Education 12'],
  [SUBJECT.arts]: ['Studio Art', 'Music Theory', 'Theater', 'Media Arts'],
  [SUBJECT.other]: ['Career Readiness', 'Financial Literacy', 'College Seminar', 'Internship Seminar'],
};
const GRADE_NAMES: Partial<Record<number, string>> = {
  [SUBJECT.english]: 'ELA',
  [SUBJECT.math]: 'Math',
  [SUBJECT.science]: 'Science',
  [SUBJECT.socialStudies]: 'Social Studies',
  [SUBJECT.language]: 'Spanish',
  [SUBJECT.homeroom]: 'Class',
  [SUBJECT.interventions]: 'Academic Intervention',
  [SUBJECT.technology]: 'Computer Science',
  [SUBJECT.pe]: 'Physical Education',
  [SUBJECT.arts]: 'Art',
  [SUBJECT.other]: 'Elective',
};
const COURSE_CODES = ['ENG', 'MAT', 'SCI', 'SOC', 'LAN', 'HMR', 'AIS', 'CSC', 'PHE', 'ART', 'OTH'];

function courseName(subject: number, grade: number): string {
  const high = HIGH_SCHOOL_COURSES[subject]?.[grade - 9];
  if (high !== undefined) return high;
  if (subject === SUBJECT.homeroom) return grade === 0 ? 'Kindergarten Class' : `Grade ${grade} Class`;
  return `${GRADE_NAMES[subject] ?? 'Course'} ${grade === 0 ? 'K' : grade}`;
}

/**
 * One course per subject per grade where a level teaches it, district-wide (Clever synthesises
 * courses from the sections' course columns; NYC course codes are district-wide too).
 */
export const COURSES: readonly CourseDef[] = LEVELS.flatMap((level) =>
  level.subjects.flatMap((subject) =>
    Array.from({ length: level.highGrade - level.lowGrade + 1 }, (_, i) => {
      const grade = level.lowGrade + i;
      const code = COURSE_CODES[subject] ?? 'CRS';
      return { subject, grade, name: courseName(subject, grade), number: `${code}${grade === 0 ? '0K' : String(grade).padStart(2, '0')}` };
    }),
  ),
);

const COURSE_INDEX = new Int16Array(SUBJECTS.length * GRADE_COUNT).fill(-1);
COURSES.forEach((course, i) => {
  COURSE_INDEX[course.subject * GRADE_COUNT + course.grade] = i;
});

export function courseIndex(subject: number, grade: number): number {
  const index = COURSE_INDEX[subject * GRADE_COUNT + grade] ?? -1;
  if (index < 0) throw new RangeError(`no course for subject ${subject} in grade ${grade}`);
  return index;
}

/** Words for teacher titles ("Grade 9 Math Teacher"); homeroom teachers are "Grade 3 Teacher". */
export const SUBJECT_TITLES = [
  'English', 'Math', 'Science', 'Social Studies', 'Spanish', '', 'AIS', 'Computer Science', 'Physical Education', 'Art', 'Elective',
];
