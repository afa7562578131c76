import { WeightedTable } from './weighted-table';

/**
 * Modest name lists with Zipf-like weights (most common first), so that at district scale many
 * people share a full name, as they do in a real city: an importer must never key on names.
 * The mix is New-York-like (Hispanic, Black, Asian, White, Caribbean, South Asian, Eastern
 * European, Arab, West African). A few names carry accents or apostrophes on purpose: real files do.
 */
const FEMALE_FIRST = [
  'Sophia', 'Isabella', 'Emma', 'Olivia', 'Mia', 'Ava', 'Emily', 'Abigail', 'Madison', 'Chloe',
  'Camila', 'Aaliyah', 'Leah', 'Sarah', 'Fatima', 'Ariana', 'Valentina', 'Gianna', 'Zoe', 'Layla',
  'Amelia', 'Ella', 'Victoria', 'Genesis', 'Nevaeh', 'Brianna', 'Ashley', 'Jasmine', 'Kayla', 'Destiny',
  'Esther', 'Rachel', 'Chaya', 'Miriam', 'Sofia', 'Lucía', 'Daniela', 'Natalia', 'Gabriela', 'Mariana',
  'Nicole', 'Stephanie', 'Angelina', 'Jayla', 'Aisha', 'Amina', 'Maryam', 'Nusrat', 'Tasnim', 'Grace',
  'Hannah', 'Anna', 'Alina', 'Yasmin', 'Ximena', 'Jade', 'Kimberly', 'Samantha', 'Julia', 'Angela',
  'Wei', 'Xinyi', 'Yuna', 'Seo-yeon', 'Priya', 'Ananya', 'Keisha', 'Imani', 'Naomi', 'Ruby',
  'Nia', 'Fatoumata', 'Mariam', 'Sienna', 'Bella', 'Lily', 'Aria', 'Scarlett', 'Evelyn', 'Penelope',
] as const;

const MALE_FIRST = [
  'Liam', 'Noah', 'Ethan', 'Jayden', 'Matthew', 'Daniel', 'Michael', 'Jacob', 'Joseph', 'David',
  'Dylan', 'Aiden', 'Alexander', 'Sebastian', 'Mason', 'Lucas', 'Muhammad', 'Moshe', 'Jose', 'Julian',
  'Justin', 'Christopher', 'Anthony', 'Adrian', 'Angel', 'Kevin', 'Brandon', 'Jonathan', 'Nathan', 'Samuel',
  'Benjamin', 'Elijah', 'James', 'Isaiah', 'Josiah', 'Carter', 'Jeremiah', 'Christian', 'Gabriel', 'Luis',
  'Carlos', 'Juan', 'Miguel', 'Santiago', 'Mateo', 'Ángel', 'Yosef', 'Chaim', 'Abdullah', 'Ibrahim',
  'Omar', 'Ryan', 'Andrew', 'Kenneth', 'Jason', 'Eric', 'Hao', 'Jun', 'Min-jun', 'Arjun',
  'Rohan', 'Tyrone', 'Malik', 'Jamal', 'Dmitri', 'Nikolai', 'Mamadou', 'Ousmane', 'Kwame', 'Giovanni',
  'Vincent', 'Leonardo', 'Henry', 'Owen', 'Logan', 'Caleb', 'Ezra', 'Hunter', 'Jaden', "D'Angelo",
] as const;

const HISPANIC_LAST = [
  'Rodriguez', 'Garcia', 'Martinez', 'Hernandez', 'Lopez', 'Gonzalez', 'Perez', 'Rivera', 'Sanchez', 'Ramirez',
  'Torres', 'Diaz', 'Cruz', 'Reyes', 'Morales', 'Ortiz', 'Gutierrez', 'Ramos', 'Castillo', 'Vasquez',
  'Jimenez', 'Santiago', 'Colon', 'Mendoza', 'Romero', 'Alvarez', 'Medina', 'Guzman', 'Peña', 'Nuñez',
  'Rosario', 'Vargas', 'Castro', 'Marte', 'Polanco', 'Almonte', 'De La Cruz', 'Acosta', 'Figueroa', 'Suarez',
] as const;

const ASIAN_LAST = [
  'Chen', 'Wang', 'Li', 'Zhang', 'Lin', 'Liu', 'Huang', 'Wu', 'Zheng', 'Yang',
  'Kim', 'Lee', 'Park', 'Choi', 'Islam', 'Rahman', 'Hossain', 'Ahmed', 'Uddin', 'Begum',
  'Khan', 'Ali', 'Singh', 'Patel', 'Shah', 'Nguyen', 'Tran', 'Wong', 'Chan', 'Zhou',
] as const;

const GENERAL_LAST = [
  'Williams', 'Johnson', 'Brown', 'Smith', 'Jones', 'Davis', 'Jackson', 'Thomas', 'Harris', 'Robinson',
  'Taylor', 'Miller', 'Wilson', 'Moore', 'Anderson', 'White', 'Thompson', 'Walker', 'Young', 'Allen',
  'Cohen', 'Friedman', 'Goldberg', 'Schwartz', 'Katz', 'Levy', 'Russo', 'Esposito', 'Romano', 'Ricci',
  'Murphy', 'Kelly', "O'Brien", 'Sullivan', 'Ivanov', 'Petrov', 'Kowalski', 'Nowak', 'Pierre', 'Joseph',
  'Charles', 'Baptiste', 'Jean-Louis', 'Campbell', 'Francis', 'Haddad', 'Mansour', 'Diallo', 'Traore', 'Mensah',
  'Green', 'Baker', 'Hall', 'King', 'Wright', 'Scott', 'Adams', 'Mitchell', 'Carter', 'Phillips',
] as const;

export const FIRST_NAMES: readonly string[] = [...FEMALE_FIRST, ...MALE_FIRST];

/** Indices into FIRST_NAMES by gender; X draws from both. */
export const FEMALE_FIRST_NAMES = WeightedTable.ranked(FEMALE_FIRST.map((_, i) => i));
export const MALE_FIRST_NAMES = WeightedTable.ranked(MALE_FIRST.map((_, i) => FEMALE_FIRST.length + i));

export const LAST_NAMES: readonly string[] = [...HISPANIC_LAST, ...ASIAN_LAST, ...GENERAL_LAST];

/** Indices into LAST_NAMES by pool, so that surnames follow the student's ethnicity most of the time. */
export const LAST_NAME_POOLS = {
  hispanic: WeightedTable.ranked(HISPANIC_LAST.map((_, i) => i)),
  asian: WeightedTable.ranked(ASIAN_LAST.map((_, i) => HISPANIC_LAST.length + i)),
  general: WeightedTable.ranked(GENERAL_LAST.map((_, i) => HISPANIC_LAST.length + ASIAN_LAST.length + i)),
} as const;

/** Middle names are an initial (or none), as in Clever's demo district. Index 0 = none. */
export const MIDDLE_INITIALS: readonly string[] = ['', ...'ABCDEFGHIJKLMNOPRSTVW'];

/** Names as JSON string literals, quotes included: rendering a million users must not re-escape them. */
export const FIRST_NAMES_JSON = FIRST_NAMES.map((name) => JSON.stringify(name));
export const LAST_NAMES_JSON = LAST_NAMES.map((name) => JSON.stringify(name));

/** Names as they appear in emails and usernames: lower case ASCII letters only ("Peña" -> "pena"). */
export const FIRST_NAMES_LOGIN = FIRST_NAMES.map(loginForm);
export const LAST_NAMES_LOGIN = LAST_NAMES.map(loginForm);

function loginForm(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();
}

/** Streets for school addresses. */
export const STREETS: readonly string[] = [
  'Broadway', 'Amsterdam Avenue', 'Grand Concourse', 'Flatbush Avenue', 'Atlantic Avenue', 'Fulton Street',
  'Jamaica Avenue', 'Northern Boulevard', 'Queens Boulevard', 'Victory Boulevard', 'Ocean Parkway',
  'Nostrand Avenue', 'Fordham Road', 'Tremont Avenue', 'Webster Avenue', 'Lenox Avenue', 'Main Street',
  'Hylan Boulevard', 'Linden Boulevard', 'Kings Highway', 'Church Avenue', 'Myrtle Avenue', 'Bedford Avenue',
  'Southern Boulevard', 'Jerome Avenue', 'Roosevelt Avenue', 'Liberty Avenue', 'Eastern Parkway',
];

/** People and places schools are named after (names repeat across a big district, as in NYC). */
export const NAMESAKES: readonly string[] = [
  'Frederick Douglass', 'Langston Hughes', 'Walt Whitman', 'Jackie Robinson', 'Roberto Clemente',
  'Thurgood Marshall', 'Eleanor Roosevelt', 'Harriet Tubman', 'Albert Einstein', 'Maya Angelou',
  'Sonia Sotomayor', 'Shirley Chisholm', 'Fiorello LaGuardia', 'Marie Curie', 'Duke Ellington',
  'Zora Neale Hurston', 'Paul Robeson', 'Rachel Carson', 'John Jay', 'Alexander Hamilton',
  'Washington Irving', 'Edward R. Murrow', 'James Baldwin', 'Toni Morrison', 'Arturo Schomburg',
  'Jonas Salk', 'Grace Hopper', 'Sojourner Truth', 'Benjamin Banneker', 'Louis Armstrong',
  'Ellen Ochoa', 'Pablo Neruda', 'Julia de Burgos', 'Gabriela Mistral', 'Ralph Bunche',
  'Hudson River', 'East River', 'Riverside', 'Bay Ridge', 'Harbor View', 'Park Slope', 'Sunset Park',
  'Highbridge', 'Mott Haven', 'Forest Hills', 'Bayside', 'Flushing', 'Astoria', 'Red Hook', 'Inwood',
];

/** High-school themes ("High School for ..."). */
export const HIGH_SCHOOL_THEMES: readonly string[] = [
  'Health Professions', 'Law and Justice', 'Environmental Studies', 'Math, Science and Engineering',
  'Media and Communications', 'the Arts', 'International Studies', 'Computer Science', 'Public Service',
  'Architecture and Design', 'Business and Finance', 'Aviation', 'Teaching', 'World Languages',
];

/** Titles for teachers who teach no section here (specialists), and for the staff role. */
export const SPECIALIST_TITLES: readonly string[] = [
  'ESL Teacher', 'Special Education Teacher', 'Reading Specialist', 'Teacher', 'Speech Teacher', 'Librarian',
];
export const STAFF_TITLES: readonly string[] = [
  'Assistant Principal', 'Dean', 'Department Chair', 'Data Specialist', 'Instructional Coach', 'Programmer',
];
export const STAFF_ONLY_TITLES: readonly string[] = [
  'Guidance Counselor', 'School Secretary', 'Parent Coordinator', 'Social Worker', 'Payroll Secretary', 'Psychologist',
];
export const DEPARTMENTS: readonly string[] = ['Administration', 'Guidance', 'Mathematics', 'English', 'Science', 'Operations'];
/** Staff permission roles as districts send them in the SFTP Role column (not enumerated by Clever). */
export const STAFF_PERMISSION_ROLES: readonly string[] = ['School Tech Lead', 'Staff', 'Counselor', 'School Admin'];
export const DISTRICT_ADMIN_TITLES: readonly string[] = [
  'Chief Information Officer', 'Director of Technology', 'Data Manager', 'Director of Assessment', 'Systems Analyst',
  'Deputy Chancellor', 'SIS Administrator', 'Director of Instructional Technology',
];
