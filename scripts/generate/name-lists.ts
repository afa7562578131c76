import { Prng } from './prng';
import { WeightedTable } from './weighted-table';

/**
 * Names with Zipf-like weights: a head of real, common names (most common first) and a long tail
 * of rarer ones, as in a real city. In a district of 20,000 students about one in thirteen shares
 * a full name with another student and the most common full name is held by a handful; at
 * 100,000 about one in five, and at a million common names are shared many times over. Either way an importer must
 * never key on names. The mix is New-York-like (Hispanic, Black, Asian, White, Caribbean, South
 * Asian, Eastern European, Jewish, Arab, West African). A few names carry accents, apostrophes or
 * hyphens on purpose: real files do. The tails are built from syllables with a fixed PRNG
 * stream, so every district has the same lists.
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
  'Charlotte', 'Harper', 'Elizabeth', 'Avery', 'Luna', 'Hazel', 'Nora', 'Riley', 'Zoey', 'Mila',
  'Aubrey', 'Stella', 'Savannah', 'Allison', 'Samara', 'Maya', 'Alexa', 'Skylar', 'Madelyn', 'Kylie',
  'Alyssa', 'Arianna', 'Melanie', 'Andrea', 'Jennifer', 'Jessica', 'Michelle', 'Vanessa', 'Melissa', 'Alexandra',
  'Katherine', 'Isabel', 'Catherine', 'Rebecca', 'Rivka', 'Leila', 'Sara', 'Khadija', 'Zainab', 'Hafsa',
  'Ayesha', 'Sadia', 'Tahmina', 'Anika', 'Diya', 'Ishita', 'Shreya', 'Emely', 'Dayana', 'Aylin',
  'Kiara', 'Itzel', 'Karla', 'Leilani', 'Amaya', 'Serenity', 'Trinity', 'Makayla', 'Jada', 'Aliyah',
  'Tiana', 'Kennedy', 'Londyn', 'Journee', 'Ayla', 'Eliana', 'Adina', 'Shira', 'Malka', 'Devorah',
  'Jiayi', 'Yiting', 'Mei', 'Hana', 'Ji-woo', 'Min-seo', 'Linh', 'Chiara', 'Francesca', 'Giulia',
  'Anastasia', 'Sofiya', 'Viktoria', 'Zuzanna', 'Maja', 'Aminata', 'Mariama', 'Ama', 'Esperanza', "Ja'Niyah",
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
  'William', 'Aaron', 'Adam', 'Alex', 'Amir', 'Ahmed', 'Ali', 'Mohammed', 'Yusuf', 'Hamza',
  'Ayaan', 'Rayan', 'Zayn', 'Aryan', 'Dev', 'Vihaan', 'Ishaan', 'Eli', 'Levi', 'Shmuel',
  'Yitzchok', 'Menachem', 'Avraham', 'Elias', 'Emmanuel', 'Erick', 'Diego', 'Fernando', 'Jesus', 'Jorge',
  'Pedro', 'Rafael', 'Ricardo', 'Alejandro', 'Eduardo', 'Emiliano', 'Bryan', 'Steven', 'Brian', 'Jordan',
  'Josue', 'Xavier', 'Zion', 'Amari', 'Jaylen', 'Cameron', 'Darius', 'Tyler', 'Isaac', 'Thomas',
  'Charles', 'Jack', 'Luke', 'Max', 'Leo', 'Theo', 'Wyatt', 'Lorenzo', 'Matteo', 'Marco',
  'Nicholas', 'Dominic', 'Patrick', 'Sean', 'Kai', 'Jin', 'Seo-jun', 'Minh', 'Duc', 'Ivan',
  'Mikhail', 'Artem', 'Oleksandr', 'Jakub', 'Filip', 'Moussa', 'Ibrahima', 'Kofi', 'Jean', 'Stanley',
] as const;

const HISPANIC_LAST = [
  'Rodriguez', 'Garcia', 'Martinez', 'Hernandez', 'Lopez', 'Gonzalez', 'Perez', 'Rivera', 'Sanchez', 'Ramirez',
  'Torres', 'Diaz', 'Cruz', 'Reyes', 'Morales', 'Ortiz', 'Gutierrez', 'Ramos', 'Castillo', 'Vasquez',
  'Jimenez', 'Santiago', 'Colon', 'Mendoza', 'Romero', 'Alvarez', 'Medina', 'Guzman', 'Peña', 'Nuñez',
  'Rosario', 'Vargas', 'Castro', 'Marte', 'Polanco', 'Almonte', 'De La Cruz', 'Acosta', 'Figueroa', 'Suarez',
  'Flores', 'Gomez', 'Ruiz', 'Aguilar', 'Chavez', 'Herrera', 'Mendez', 'Moreno', 'Rojas', 'Salazar',
  'Soto', 'Silva', 'Contreras', 'Estrada', 'Fernandez', 'Delgado', 'Ortega', 'Vega', 'Rios', 'Nieves',
  'Serrano', 'Pagan', 'Burgos', 'Matos', 'Feliz', 'Espinal', 'Paulino', 'Tejada', 'Batista', 'Ventura',
  'Cabrera', 'Valdez', 'Rosa', 'Sosa', 'Mejia', 'Guerrero', 'Cordero', 'Quiñones', 'Velazquez', 'Carrasco',
  'Lara', 'Cardenas', 'Camacho', 'Pacheco', 'Padilla', 'Navarro', 'Beltran', 'Bonilla', 'Duran', 'Maldonado',
  'Marrero', 'Miranda', 'Montero', 'Pineda', 'Sierra', 'Toledo', 'Abreu', 'Baez', 'Calderon', 'Encarnacion',
] as const;

const ASIAN_LAST = [
  'Chen', 'Wang', 'Li', 'Zhang', 'Lin', 'Liu', 'Huang', 'Wu', 'Zheng', 'Yang',
  'Kim', 'Lee', 'Park', 'Choi', 'Islam', 'Rahman', 'Hossain', 'Ahmed', 'Uddin', 'Begum',
  'Khan', 'Ali', 'Singh', 'Patel', 'Shah', 'Nguyen', 'Tran', 'Wong', 'Chan', 'Zhou',
  'Xu', 'Sun', 'Ma', 'Zhu', 'Hu', 'Guo', 'He', 'Gao', 'Luo', 'Liang',
  'Song', 'Tang', 'Han', 'Feng', 'Deng', 'Cao', 'Peng', 'Zeng', 'Xiao', 'Tian',
  'Dong', 'Pan', 'Yuan', 'Cai', 'Jiang', 'Yu', 'Du', 'Ye', 'Cheng', 'Wei',
  'Ng', 'Lam', 'Leung', 'Chow', 'Cheung', 'Ho', 'Yip', 'Mak', 'Lau', 'Kwan',
  'Jung', 'Kang', 'Cho', 'Yoon', 'Jang', 'Lim', 'Shin', 'Kwon', 'Hwang', 'Ahn',
  'Pham', 'Le', 'Hoang', 'Phan', 'Vu', 'Dang', 'Bui', 'Ngo', 'Duong', 'Ly',
  'Hussain', 'Hasan', 'Chowdhury', 'Miah', 'Akter', 'Sarker', 'Mondal', 'Talukder', 'Bhuiyan', 'Alam',
  'Karim', 'Sultana', 'Mahmud', 'Gupta', 'Sharma', 'Kumar', 'Reddy', 'Das', 'Roy', 'Ghosh',
  'Mehta', 'Joshi', 'Desai', 'Kaur', 'Gill', 'Sandhu', 'Dhillon', 'Iyer', 'Nair', 'Bose',
] as const;

const GENERAL_LAST = [
  'Williams', 'Johnson', 'Brown', 'Smith', 'Jones', 'Davis', 'Jackson', 'Thomas', 'Harris', 'Robinson',
  'Taylor', 'Miller', 'Wilson', 'Moore', 'Anderson', 'White', 'Thompson', 'Walker', 'Young', 'Allen',
  'Cohen', 'Friedman', 'Goldberg', 'Schwartz', 'Katz', 'Levy', 'Russo', 'Esposito', 'Romano', 'Ricci',
  'Murphy', 'Kelly', "O'Brien", 'Sullivan', 'Ivanov', 'Petrov', 'Kowalski', 'Nowak', 'Pierre', 'Joseph',
  'Charles', 'Baptiste', 'Jean-Louis', 'Campbell', 'Francis', 'Haddad', 'Mansour', 'Diallo', 'Traore', 'Mensah',
  'Green', 'Baker', 'Hall', 'King', 'Wright', 'Scott', 'Adams', 'Mitchell', 'Carter', 'Phillips',
  'Martin', 'Clark', 'Lewis', 'Hill', 'Nelson', 'Roberts', 'Turner', 'Parker', 'Evans', 'Edwards',
  'Collins', 'Stewart', 'Morris', 'Rogers', 'Reed', 'Cook', 'Morgan', 'Bell', 'Cooper', 'Richardson',
  'Cox', 'Howard', 'Ward', 'Peterson', 'Gray', 'James', 'Watson', 'Brooks', 'Bennett', 'Wood',
  'Barnes', 'Ross', 'Henderson', 'Coleman', 'Jenkins', 'Perry', 'Powell', 'Long', 'Patterson', 'Hughes',
  'Washington', 'Butler', 'Simmons', 'Foster', 'Bryant', 'Alexander', 'Russell', 'Griffin', 'Hayes', 'Myers',
  'Ford', 'Hamilton', 'Graham', 'Wallace', 'Woods', 'Cole', 'West', 'Jordan', 'Owens', 'Reynolds',
  'Fisher', 'Ellis', 'Harrison', 'Gibson', 'McDonald', 'Marshall', 'Murray', 'Freeman', 'Wells', 'Webb',
  'Simpson', 'Stevens', 'Tucker', 'Porter', 'Hunter', 'Hicks', 'Crawford', 'Henry', 'Boyd', 'Mason',
  'Kennedy', 'Warren', 'Dixon', 'Burns', 'Gordon', 'Shaw', 'Holmes', 'Rice', 'Robertson', 'Hunt',
  'Black', 'Daniels', 'Palmer', 'Mills', 'Grant', 'Knight', 'Ferguson', 'Stone', 'Hawkins', 'Dunn',
  'Rosenberg', 'Greenberg', 'Shapiro', 'Kaplan', 'Weiss', 'Klein', 'Stein', 'Rubin', 'Gross', 'Rosen',
  'Marino', 'Bruno', 'Greco', 'Rizzo', 'DeLuca', 'Costa', 'Gallo', 'Fontana', 'Conti', 'Ferrara',
  'Walsh', 'Byrne', 'Ryan', "O'Connor", 'Doyle', 'Lynch', 'Quinn', 'Brennan', 'Fitzgerald', 'Gallagher',
  'Popescu', 'Kuznetsov', 'Smirnov', 'Volkov', 'Novak', 'Wiśniewski', 'Lewandowski', 'Papadopoulos', 'Hoxha', 'Krasniqi',
  'Louis', 'Jean-Baptiste', 'Etienne', 'Toussaint', 'Desir', 'Augustin', 'Celestin', 'Alexis', 'Bailey', 'Samuels',
  'Owusu', 'Boateng', 'Asante', 'Okafor', 'Adeyemi', 'Okonkwo', 'Camara', 'Keita', 'Toure', 'Coulibaly',
  'Abdallah', 'Saleh', 'Hassan', 'Nasser', 'Youssef', 'Aziz', 'Farah', 'Mohamed', 'Awad', 'Khalil',
] as const;

/** Letter runs no name of the lists has: three vowels or consonants in a row, a doubled vowel. */
const AWKWARD = /[aeiouy]{3}|[^aeiouy]{3}|aa|ee|ii|oo|uu|yy/i;
/** Built names that are words. */
const WORDS = new Set(['Lemon', 'Melon', 'Demon', 'Salon', 'Baron', 'Talon', 'Moron', 'Raven', 'Canon']);

/**
 * The long tails: names built from a start and an ending, joined by a link when one is needed
 * ("Ka" + "l" + "iyah"), in a fixed shuffled order (the PRNG stream never changes). Names that a
 * list already holds, and awkward letter runs, are left out.
 */
function synthesize(stream: string, count: number, starts: readonly string[], links: readonly string[], ends: readonly string[]): string[] {
  const candidates: string[] = [];
  for (const start of starts) for (const link of links) for (const end of ends) candidates.push(`${start}${link}${end}`);
  const prng = Prng.of('name-lists', stream);
  for (let i = candidates.length - 1; i > 0; i--) {
    const j = prng.int(i + 1);
    [candidates[i], candidates[j]] = [candidates[j] as string, candidates[i] as string];
  }
  const names: string[] = [];
  for (const name of candidates) {
    if (names.length === count) break;
    if (USED.has(name) || name.length < 4 || AWKWARD.test(name) || WORDS.has(name)) continue;
    USED.add(name);
    names.push(name);
  }
  return names;
}

/** Every name of the lists so far: a built name is a new one (the real names, then the tails in order). */
const USED = new Set<string>([...FEMALE_FIRST, ...MALE_FIRST, ...HISPANIC_LAST, ...ASIAN_LAST, ...GENERAL_LAST]);

const FEMALE_TAIL = synthesize(
  'female',
  1_500,
  ['A', 'Ma', 'La', 'Ka', 'Na', 'Ja', 'Sa', 'Da', 'Ta', 'Ri', 'Li', 'Mi', 'Ne', 'Ze', 'Ar', 'Bri', 'El', 'Ev', 'Is', 'Jo', 'Ke', 'Le', 'Lu', 'Ro', 'Sha', 'Ti', 'Ya', 'Ca', 'Ali', 'Ami', 'Zo', 'Au', 'Ha', 'Ra'],
  ['', 'l', 'n', 'r', 'm', 'v', 'y', 'nd'],
  ['a', 'ah', 'ia', 'ie', 'yn', 'elle', 'ina', 'ani', 'ette', 'ara', 'isa', 'ora', 'ely', 'ira', 'anna', 'iyah', 'essa', 'ayla'],
);
const MALE_TAIL = synthesize(
  'male',
  1_500,
  ['Ja', 'Ka', 'De', 'Da', 'Ma', 'Jo', 'Ke', 'Ro', 'Za', 'Ca', 'Ra', 'Ty', 'Ar', 'Ni', 'Le', 'Xa', 'Ju', 'Gi', 'Qua', 'Ri', 'Sa', 'E', 'Ad', 'Bra', 'Co', 'Dar', 'Mar', 'Tre', 'Ya', 'O'],
  ['', 'l', 'n', 'r', 'v', 'm', 'd', 'sh'],
  ['den', 'son', 'ion', 'an', 'el', 'ari', 'iel', 'ien', 'ius', 'o', 'on', 'ell', 'ric', 'vin', 'ton', 'ias', 'eem', 'ir', 'ando'],
);
const HISPANIC_TAIL = synthesize(
  'hispanic',
  1_200,
  ['Alc', 'Arr', 'Bal', 'Bar', 'Bust', 'Cab', 'Cald', 'Camp', 'Carr', 'Cerv', 'Dur', 'Esc', 'Esp', 'Fuent', 'Gall', 'Herr', 'Ib', 'Lar', 'Led', 'Mald', 'Marr', 'Mej', 'Mir', 'Mont', 'Nav', 'Olv', 'Pach', 'Pad', 'Pal', 'Quint', 'Rang', 'Reb', 'Salc', 'Sand', 'Serr', 'Sol', 'Tap', 'Tej', 'Val', 'Vel', 'Vill', 'Zam', 'Zap', 'Zav', 'Orn', 'Ces', 'Guer', 'Lom'],
  [''],
  ['edo', 'ado', 'ez', 'era', 'ero', 'illa', 'ino', 'ana', 'ales', 'enas', 'ares', 'ona', 'uz', 'ano', 'ega', 'ejo', 'illa', 'ueta', 'ote', 'azo'],
);
const GENERAL_TAIL = [
  // English place names
  ...synthesize(
    'english',
    1_200,
    ['Ash', 'Brad', 'Brook', 'Cald', 'Craw', 'Dal', 'Den', 'Ed', 'Fair', 'Fen', 'Gold', 'Hal', 'Hart', 'Hol', 'Kings', 'Lang', 'Mar', 'Mid', 'Mor', 'New', 'Nor', 'Pem', 'Pres', 'Ring', 'Ros', 'Shel', 'Stan', 'Tal', 'Thorn', 'Wake', 'Wes', 'Whit', 'Win', 'Black', 'Brom', 'Chad', 'Cran', 'Fox', 'Grim', 'Hath', 'Lock', 'Ox', 'Pen', 'Red', 'Sher', 'Stock', 'Sut', 'Wal', 'War', 'Wood', 'Ather', 'Bur', 'Elm'],
    [''],
    ['ford', 'ton', 'ley', 'wood', 'field', 'well', 'by', 'more', 'ridge', 'worth', 'land', 'ham', 'wick', 'stone', 'combe', 'bury', 'hurst', 'dale', 'man', 'sey'],
  ),
  // Italian
  ...synthesize(
    'italian',
    400,
    ['Bel', 'Cal', 'Fer', 'Gal', 'Mar', 'Pel', 'Ros', 'Sal', 'Ton', 'Vit', 'Bon', 'Cor', 'Dom', 'Fal', 'Gen', 'Lor', 'Man', 'Ner', 'Pas', 'Ser', 'Cap', 'Car', 'Col', 'Dan', 'Lom', 'Mor', 'Pic', 'Riz', 'San', 'Val', 'Zan', 'Ben', 'Gir', 'Lan'],
    [''],
    ['ino', 'ello', 'etti', 'ucci', 'ano', 'one', 'ari', 'elli', 'ardi', 'ini', 'otti', 'ese', 'aro', 'ieri', 'uzzi', 'ella'],
  ),
  // Polish, Ukrainian, Russian, Romanian
  ...synthesize(
    'slavic',
    300,
    ['Kowal', 'Now', 'Lew', 'Zaj', 'Kam', 'Wojc', 'Krav', 'Pet', 'Sok', 'Mal', 'Dub', 'Kuz', 'Bor', 'Gor', 'Vol', 'Tkach', 'Shev', 'Bond', 'Mel', 'Pav', 'Grab', 'Jab', 'Koz', 'Lis', 'Mak', 'Rud', 'Sad', 'Zel', 'Mor', 'Step'],
    [''],
    ['ski', 'czyk', 'enko', 'ov', 'ovich', 'iak', 'uk', 'escu', 'ak', 'ets', 'chuk'],
  ),
  // German and Jewish
  ...synthesize(
    'german',
    200,
    ['Rosen', 'Gold', 'Silver', 'Blum', 'Eisen', 'Fein', 'Green', 'Lieber', 'Mandel', 'Stein', 'Weiss', 'Schwarz', 'Klein', 'Roth', 'Baum', 'Hirsch', 'Linden', 'Wald', 'Kirsch', 'Lichten', 'Stern', 'Wasser', 'Zucker', 'Gross', 'Appel'],
    [''],
    ['berg', 'stein', 'man', 'feld', 'baum', 'thal', 'blatt', 'wald', 'haus', 'heim'],
  ).filter((name) => !/(berg.*berg|stein.*stein|baum.*baum|wald.*wald)/i.test(name)),
  // Irish and Scottish
  ...synthesize(
    'gaelic',
    100,
    ['Mc', 'Mac', "O'"],
    [''],
    ['Allister', 'Bride', 'Cann', 'Carthy', 'Clure', 'Coy', 'Dermott', 'Donald', 'Dowell', 'Elroy', 'Fadden', 'Gee', 'Gill', 'Govern', 'Grath', 'Guire', 'Intyre', 'Kenna', 'Kinley', 'Laughlin', 'Mahon', 'Manus', 'Millan', 'Namara', 'Neil', 'Nulty', 'Pherson', 'Quade', 'Shane', 'Connor', 'Donnell', 'Hara', 'Keefe', 'Leary', 'Malley', 'Reilly', 'Rourke', 'Shea', 'Toole', 'Dowd', 'Grady', 'Callaghan'],
  ).filter((name) => !/^O'(Allister|Bride|Cann|Carthy|Clure|Coy|Dermott|Donald|Dowell|Elroy|Fadden|Gee|Gill|Govern|Grath|Guire|Intyre|Kenna|Kinley|Laughlin|Mahon|Manus|Millan|Namara|Nulty|Pherson|Quade|Shane)$/.test(name) && !/^Mac?(Connor|Donnell|Hara|Keefe|Leary|Malley|Reilly|Rourke|Shea|Toole|Dowd|Grady|Callaghan)$/.test(name)),
];

const FEMALE_ALL = [...FEMALE_FIRST, ...FEMALE_TAIL];
const MALE_ALL = [...MALE_FIRST, ...MALE_TAIL];
const HISPANIC_ALL = [...HISPANIC_LAST, ...HISPANIC_TAIL];
const ASIAN_ALL: readonly string[] = ASIAN_LAST;
const GENERAL_ALL = [...GENERAL_LAST, ...GENERAL_TAIL];

export const FIRST_NAMES: readonly string[] = [...FEMALE_ALL, ...MALE_ALL];

/**
 * Zipf weights 1 / (rank + offset), the offset setting how common the head is: the most common
 * first name is about 2% of a gender's (a little above the 1% a year's most popular name has had
 * in US births: names cluster in a city), the most common Hispanic surname about 4% of the
 * pool's, the most common Asian one about 7% (a handful of Chinese, Korean and Vietnamese
 * surnames are very common), the most common of the others about 2%.
 */
const FIRST_OFFSET = 9;
/** Indices into FIRST_NAMES by gender; X draws from both. */
export const FEMALE_FIRST_NAMES = WeightedTable.ranked(FEMALE_ALL.map((_, i) => i), FIRST_OFFSET);
export const MALE_FIRST_NAMES = WeightedTable.ranked(MALE_ALL.map((_, i) => FEMALE_ALL.length + i), FIRST_OFFSET);

export const LAST_NAMES: readonly string[] = [...HISPANIC_ALL, ...ASIAN_ALL, ...GENERAL_ALL];

/** Indices into LAST_NAMES by pool, so that surnames follow the student's ethnicity most of the time. */
export const LAST_NAME_POOLS = {
  hispanic: WeightedTable.ranked(HISPANIC_ALL.map((_, i) => i), 5),
  asian: WeightedTable.ranked(ASIAN_ALL.map((_, i) => HISPANIC_ALL.length + i), 4),
  general: WeightedTable.ranked(GENERAL_ALL.map((_, i) => HISPANIC_ALL.length + ASIAN_ALL.length + i), 10),
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
