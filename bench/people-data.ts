import { sql } from 'kysely';
import type { Db } from '../src/server/db/database.ts';
import { nameMatchKeys } from '../src/domain/name-match.ts';
import { deriveKeys } from '../src/server/crypto/keys.ts';
import { sealPeopleAtRest } from '../src/server/db/data-steps.ts';
import { BENCH_SECRET_KEY } from './server.ts';

/**
 * People for the benchmarks (issue 4: 1,500,000), generated in PostgreSQL with INSERT ... SELECT over
 * generate_series in batches. Names are drawn from Azerbaijani, Russian and other regional lists,
 * each written in one of three scripts (half Azerbaijani Latin, three in ten Russian Cyrillic, two in
 * ten English transliteration); surnames follow a skewed distribution as real ones do (Məmmədov,
 * Əliyev and Hüseynov are common, most are rare); three in ten people have a patronymic and two in
 * ten an alias in another script. People belong to `agencies` agencies of very different sizes.
 * The matching keys are computed here by the same module the server uses, once per list entry, and
 * combined in SQL. Values follow from the row number, so every run gets the same data; a second call
 * with the same count adds nothing. `BENCH_PEOPLE` sets the count (tests use a few thousand).
 */
export const BENCH_PEOPLE = Number(process.env.BENCH_PEOPLE ?? 1_500_000);

type Spelling = readonly [az: string, ru: string, en: string];

// Given names: Azerbaijani, Russian and other regional ones, as [Azerbaijani Latin, Russian Cyrillic, English].
const MALE: readonly Spelling[] = [
  ['Məmməd', 'Мамед', 'Mammad'], ['Əli', 'Али', 'Ali'], ['Hüseyn', 'Гусейн', 'Huseyn'], ['Həsən', 'Гасан', 'Hasan'],
  ['Rəşid', 'Рашид', 'Rashid'], ['Elçin', 'Эльчин', 'Elchin'], ['Orxan', 'Орхан', 'Orkhan'], ['Vüsal', 'Вюсал', 'Vusal'],
  ['Tural', 'Турал', 'Tural'], ['Elnur', 'Эльнур', 'Elnur'], ['Rauf', 'Рауф', 'Rauf'], ['Fərid', 'Фарид', 'Farid'],
  ['Cəfər', 'Джафар', 'Jafar'], ['Şahin', 'Шахин', 'Shahin'], ['Kamran', 'Камран', 'Kamran'], ['Samir', 'Самир', 'Samir'],
  ['Ramil', 'Рамиль', 'Ramil'], ['Tofiq', 'Тофик', 'Tofig'], ['Vüqar', 'Вугар', 'Vugar'], ['İlham', 'Ильхам', 'Ilham'],
  ['Yaqub', 'Якуб', 'Yagub'], ['Çingiz', 'Чингиз', 'Chingiz'], ['Fuad', 'Фуад', 'Fuad'], ['Ceyhun', 'Джейхун', 'Jeyhun'],
  ['Anar', 'Анар', 'Anar'], ['Elvin', 'Эльвин', 'Elvin'], ['Nicat', 'Ниджат', 'Nijat'], ['Murad', 'Мурад', 'Murad'],
  ['Sergey', 'Сергей', 'Sergey'], ['Aleksandr', 'Александр', 'Alexander'], ['Dmitri', 'Дмитрий', 'Dmitry'], ['Giorgi', 'Георгий', 'Giorgi'],
  ['Aziz', 'Азиз', 'Aziz'], ['Rustam', 'Рустам', 'Rustam'], ['Mehmet', 'Мехмет', 'Mehmet'], ['Reza', 'Реза', 'Reza'],
];
const FEMALE: readonly Spelling[] = [
  ['Leyla', 'Лейла', 'Leyla'], ['Xədicə', 'Хадиджа', 'Khadija'], ['Gülnarə', 'Гюльнара', 'Gulnara'], ['Könül', 'Кёнуль', 'Konul'],
  ['Nərgiz', 'Наргиз', 'Nargiz'], ['Aynur', 'Айнур', 'Aynur'], ['Zeynəb', 'Зейнаб', 'Zeynab'], ['Sevinc', 'Севиндж', 'Sevinj'],
  ['Ülviyyə', 'Ульвия', 'Ulviyya'], ['Aysel', 'Айсель', 'Aysel'], ['Nigar', 'Нигяр', 'Nigar'], ['Səbinə', 'Сабина', 'Sabina'],
  ['Şəhla', 'Шахла', 'Shahla'], ['Lamiyə', 'Ламия', 'Lamiya'], ['Ləman', 'Ляман', 'Laman'], ['Günel', 'Гюнель', 'Gunel'],
  ['Aygün', 'Айгюн', 'Aygun'], ['Rəhimə', 'Рагима', 'Rahima'], ['Fidan', 'Фидан', 'Fidan'], ['Türkan', 'Тюркан', 'Turkan'],
  ['Natalya', 'Наталья', 'Natalya'], ['Tatyana', 'Татьяна', 'Tatiana'], ['Yelena', 'Елена', 'Elena'], ['Nino', 'Нино', 'Nino'],
  ['Dilnoza', 'Дилноза', 'Dilnoza'], ['Zəhra', 'Захра', 'Zahra'], ['Ayşe', 'Айше', 'Ayse'], ['Mədinə', 'Мадина', 'Madina'],
];
// Surnames, most common first (the generator picks early ones far more often). Feminine forms add -a to -ov/-ev/-in.
const SURNAMES: readonly Spelling[] = [
  ['Məmmədov', 'Мамедов', 'Mammadov'], ['Əliyev', 'Алиев', 'Aliyev'], ['Hüseynov', 'Гусейнов', 'Huseynov'], ['Həsənov', 'Гасанов', 'Hasanov'],
  ['Quliyev', 'Гулиев', 'Guliyev'], ['İsmayılov', 'Исмаилов', 'Ismayilov'], ['Əhmədov', 'Ахмедов', 'Ahmadov'], ['Abbasov', 'Аббасов', 'Abbasov'],
  ['Cəfərov', 'Джафаров', 'Jafarov'], ['Rzayev', 'Рзаев', 'Rzayev'], ['Süleymanov', 'Сулейманов', 'Suleymanov'], ['Qasımov', 'Гасымов', 'Gasimov'],
  ['Hacıyev', 'Гаджиев', 'Hajiyev'], ['Vəliyev', 'Велиев', 'Valiyev'], ['Kərimov', 'Керимов', 'Karimov'], ['Rəhimov', 'Рагимов', 'Rahimov'],
  ['Orucov', 'Оруджев', 'Orujov'], ['Nəbiyev', 'Набиев', 'Nabiyev'], ['Bağırov', 'Багиров', 'Baghirov'], ['Sadıqov', 'Садыхов', 'Sadigov'],
  ['Ağayev', 'Агаев', 'Agayev'], ['Paşayev', 'Пашаев', 'Pashayev'], ['Zeynalov', 'Зейналов', 'Zeynalov'], ['Xəlilov', 'Халилов', 'Khalilov'],
  ['Yusifov', 'Юсифов', 'Yusifov'], ['Mustafayev', 'Мустафаев', 'Mustafayev'], ['Abdullayev', 'Абдуллаев', 'Abdullayev'], ['Cavadov', 'Джавадов', 'Javadov'],
  ['Əsgərov', 'Аскеров', 'Askerov'], ['Mirzəyev', 'Мирзоев', 'Mirzayev'], ['Nəsirov', 'Насиров', 'Nasirov'], ['Əfəndiyev', 'Эфендиев', 'Afandiyev'],
  ['Hacıbəyli', 'Гаджибейли', 'Hajibeyli'], ['Əlizadə', 'Ализаде', 'Alizade'], ['Şıxəliyev', 'Шихалиев', 'Shikhaliyev'], ['Məlikov', 'Меликов', 'Melikov'],
  ['Ivanov', 'Иванов', 'Ivanov'], ['Petrov', 'Петров', 'Petrov'], ['Smirnov', 'Смирнов', 'Smirnov'], ['Kuznetsov', 'Кузнецов', 'Kuznetsov'],
  ['Popov', 'Попов', 'Popov'], ['Sokolov', 'Соколов', 'Sokolov'], ['Beridze', 'Беридзе', 'Beridze'], ['Kapanadze', 'Капанадзе', 'Kapanadze'],
  ['Yılmaz', 'Йылмаз', 'Yilmaz'], ['Kaya', 'Кая', 'Kaya'], ['Rahmonov', 'Рахмонов', 'Rahmonov'], ['Yusupov', 'Юсупов', 'Yusupov'],
  ['Nurlanov', 'Нурланов', 'Nurlanov'], ['Hosseini', 'Хоссейни', 'Hosseini'], ['Shevchenko', 'Шевченко', 'Shevchenko'], ['Bondarenko', 'Бондаренко', 'Bondarenko'],
];
const CITIZENSHIPS = ['AZE', 'AZE', 'AZE', 'AZE', 'AZE', 'AZE', 'AZE', 'AZE', 'RUS', 'GEO', 'UZB', 'TUR', 'IRN', 'UKR', 'TJK', 'XXX'];

const feminine = (s: string) => (/(ov|ev|in|ов|ев|ин)$/i.test(s) ? `${s}${/[а-я]$/i.test(s) ? 'а' : 'a'}` : s);
const keysOf = (s: string) => nameMatchKeys(s).join(' ');

/** One SQL array per script and per list: texts and their keys (space-separated), indexed 1..n. */
function lists() {
  const col = (list: readonly Spelling[], map: (s: string) => string = (s) => s): [string[], string[], string[]] => [
    list.map((e) => map(e[0])),
    list.map((e) => map(e[1])),
    list.map((e) => map(e[2])),
  ];
  return {
    male: col(MALE), maleKeys: col(MALE, keysOf),
    female: col(FEMALE), femaleKeys: col(FEMALE, keysOf),
    surname: col(SURNAMES), surnameKeys: col(SURNAMES, keysOf),
    surnameF: col(SURNAMES, feminine), surnameFKeys: col(SURNAMES, (s) => keysOf(feminine(s))),
  };
}

/** `count` agencies (NGOs, shelters, police units...) for the people to belong to; returns their ids, largest first. */
async function benchAgencies(db: Db, count: number): Promise<string[]> {
  const have = await db.selectFrom('agencies').select('id').where('name', 'like', 'People bench agency %').orderBy('name').execute();
  if (have.length >= count) return have.slice(0, count).map((a) => a.id);
  await sql`INSERT INTO agencies (name, type, region)
    SELECT 'People bench agency ' || lpad(k::text, 5, '0'), (ARRAY['ngo','shelter','police','government'])[1 + k % 4], 'Region ' || (k % 14)
    FROM generate_series(${have.length + 1}::int, ${count}::int) k`.execute(db);
  return (await db.selectFrom('agencies').select('id').where('name', 'like', 'People bench agency %').orderBy('name').execute()).map((a) => a.id);
}

export const benchAgencyCount = (people: number) => Math.max(4, Math.min(300, Math.round(people / 5000)));

/**
 * Inserts people (and their names) up to `count`, in batches, and returns the agencies they belong
 * to, largest first. Agency k (from 1) holds a share of the people proportional to about k^-0.6.
 */
export async function generatePeople(db: Db, count = BENCH_PEOPLE, log: (line: string) => void = () => {}): Promise<string[]> {
  const agencies = await benchAgencies(db, benchAgencyCount(count));
  const have = Number((await sql<{ n: string }>`SELECT count(*) AS n FROM people WHERE owner_agency_id = ANY(${agencies}::uuid[])`.execute(db)).rows[0]!.n);
  if (have >= count) return agencies;
  const L = lists();
  const arr = (a: readonly string[]) => sql`${sql.val([...a])}::text[]`;
  const batch = 250_000;
  for (let from = have + 1; from <= count; from += batch) {
    const to = Math.min(count, from + batch - 1);
    const started = Date.now();
    await sql`
      WITH g AS (
        SELECT i,
          gen_random_uuid() AS id,
          -- pseudo-random numbers in [0,1) from the row number
          ((i::bigint * 2654435761) % 4294967296) / 4294967296.0 AS r1,
          ((i::bigint * 40503 + 12345) % 65536) / 65536.0 AS r2,
          ((i::bigint * 2246822519) % 4294967296) / 4294967296.0 AS r3,
          CASE WHEN i % 10 < 5 THEN 1 WHEN i % 10 < 8 THEN 2 ELSE 3 END AS script,
          CASE WHEN (i / 7) % 10 < 5 THEN 2 WHEN (i / 7) % 10 < 8 THEN 3 ELSE 1 END AS alias_script,
          i % 2 = 0 AS female
        FROM generate_series(${from}::int, ${to}::int) AS i
      ), n AS (
        SELECT g.*,
          -- surnames: the square skews picks toward the start of the list (the common ones)
          1 + floor(${SURNAMES.length}::int * r1 * r1)::int AS s,
          1 + floor(CASE WHEN female THEN ${FEMALE.length}::int ELSE ${MALE.length}::int END * r2)::int AS gn,
          1 + floor(${MALE.length}::int * r3)::int AS fa,
          -- agency k (from 1) with probability ~ k^-0.6: the inverse of its distribution function
          1 + floor(${agencies.length}::int * power(((i::bigint * 1103515245 + 12345) % 2147483648) / 2147483648.0, 2.5))::int AS agency_k
        FROM g
      ), t AS (
        SELECT n.*,
          CASE script WHEN 1 THEN CASE WHEN female THEN (${arr(L.female[0])})[gn] ELSE (${arr(L.male[0])})[gn] END
                      WHEN 2 THEN CASE WHEN female THEN (${arr(L.female[1])})[gn] ELSE (${arr(L.male[1])})[gn] END
                      ELSE CASE WHEN female THEN (${arr(L.female[2])})[gn] ELSE (${arr(L.male[2])})[gn] END END AS given,
          CASE script WHEN 1 THEN CASE WHEN female THEN (${arr(L.femaleKeys[0])})[gn] ELSE (${arr(L.maleKeys[0])})[gn] END
                      WHEN 2 THEN CASE WHEN female THEN (${arr(L.femaleKeys[1])})[gn] ELSE (${arr(L.maleKeys[1])})[gn] END
                      ELSE CASE WHEN female THEN (${arr(L.femaleKeys[2])})[gn] ELSE (${arr(L.maleKeys[2])})[gn] END END AS given_keys,
          CASE script WHEN 1 THEN CASE WHEN female THEN (${arr(L.surnameF[0])})[s] ELSE (${arr(L.surname[0])})[s] END
                      WHEN 2 THEN CASE WHEN female THEN (${arr(L.surnameF[1])})[s] ELSE (${arr(L.surname[1])})[s] END
                      ELSE CASE WHEN female THEN (${arr(L.surnameF[2])})[s] ELSE (${arr(L.surname[2])})[s] END END AS family,
          CASE script WHEN 1 THEN CASE WHEN female THEN (${arr(L.surnameFKeys[0])})[s] ELSE (${arr(L.surnameKeys[0])})[s] END
                      WHEN 2 THEN CASE WHEN female THEN (${arr(L.surnameFKeys[1])})[s] ELSE (${arr(L.surnameKeys[1])})[s] END
                      ELSE CASE WHEN female THEN (${arr(L.surnameFKeys[2])})[s] ELSE (${arr(L.surnameKeys[2])})[s] END END AS family_keys,
          CASE WHEN i % 10 < 3 THEN
            CASE script WHEN 1 THEN (${arr(L.male[0])})[fa] || CASE WHEN female THEN ' qızı' ELSE ' oğlu' END
                        WHEN 2 THEN (${arr(L.male[1])})[fa] || CASE WHEN female THEN ' кызы' ELSE ' оглы' END
                        ELSE (${arr(L.male[2])})[fa] || CASE WHEN female THEN ' gizi' ELSE ' oglu' END END END AS patronymic,
          CASE WHEN i % 10 < 3 THEN (${arr(L.maleKeys[0])})[fa] END AS patronymic_keys,
          CASE alias_script WHEN 1 THEN CASE WHEN female THEN (${arr(L.female[0])})[gn] ELSE (${arr(L.male[0])})[gn] END
                            WHEN 2 THEN CASE WHEN female THEN (${arr(L.female[1])})[gn] ELSE (${arr(L.male[1])})[gn] END
                            ELSE CASE WHEN female THEN (${arr(L.female[2])})[gn] ELSE (${arr(L.male[2])})[gn] END END AS alias_given,
          CASE alias_script WHEN 1 THEN CASE WHEN female THEN (${arr(L.surnameF[0])})[s] ELSE (${arr(L.surname[0])})[s] END
                            WHEN 2 THEN CASE WHEN female THEN (${arr(L.surnameF[1])})[s] ELSE (${arr(L.surname[1])})[s] END
                            ELSE CASE WHEN female THEN (${arr(L.surnameF[2])})[s] ELSE (${arr(L.surname[2])})[s] END END AS alias_family,
          CASE alias_script WHEN 1 THEN CASE WHEN female THEN (${arr(L.femaleKeys[0])})[gn] || ' ' || (${arr(L.surnameFKeys[0])})[s] ELSE (${arr(L.maleKeys[0])})[gn] || ' ' || (${arr(L.surnameKeys[0])})[s] END
                            WHEN 2 THEN CASE WHEN female THEN (${arr(L.femaleKeys[1])})[gn] || ' ' || (${arr(L.surnameFKeys[1])})[s] ELSE (${arr(L.maleKeys[1])})[gn] || ' ' || (${arr(L.surnameKeys[1])})[s] END
                            ELSE CASE WHEN female THEN (${arr(L.femaleKeys[2])})[gn] || ' ' || (${arr(L.surnameFKeys[2])})[s] ELSE (${arr(L.maleKeys[2])})[gn] || ' ' || (${arr(L.surnameKeys[2])})[s] END END AS alias_keys,
          (${sql.val(agencies)}::uuid[])[agency_k] AS agency,
          1950 + (i * 7) % 60 AS birth_year
        FROM n
      ), k AS (
        SELECT t.*,
          string_to_array(given_keys || ' ' || family_keys || coalesce(' ' || patronymic_keys, ''), ' ') AS keys,
          i % 5 = 0 AND alias_script <> script AS has_alias
        FROM t
      ), p AS (
        INSERT INTO people (id, owner_agency_id, sex, birth_date, birth_year, birth_year_estimated, citizenship, languages, name_keys, created_at, updated_at)
        SELECT id, agency, CASE WHEN female THEN 'female' ELSE 'male' END,
          CASE WHEN i % 4 = 0 THEN make_date(birth_year, 1 + i % 12, 1 + i % 28) END, birth_year, i % 4 <> 0 AND i % 3 = 0,
          (${sql.val(CITIZENSHIPS)}::text[])[1 + i % ${CITIZENSHIPS.length}::int],
          CASE script WHEN 1 THEN ARRAY['az'] WHEN 2 THEN ARRAY['ru','az'] ELSE ARRAY['en','az'] END,
          CASE WHEN has_alias THEN keys || string_to_array(alias_keys, ' ') ELSE keys END,
          now() - make_interval(secs => i), now() - make_interval(secs => i)
        FROM k
        RETURNING id
      ), primary_names AS (
        INSERT INTO person_names (person_id, given_name, family_name, patronymic, as_entered, script, kind, keys, created_at)
        SELECT id, given, family, patronymic, given || coalesce(' ' || patronymic, '') || ' ' || family,
          CASE WHEN script = 2 THEN 'cyrl' ELSE 'latn' END, 'primary', keys, now() - make_interval(secs => i)
        FROM k
        RETURNING id
      )
      INSERT INTO person_names (person_id, given_name, family_name, as_entered, script, kind, keys, created_at)
      SELECT id, alias_given, alias_family, alias_given || ' ' || alias_family, CASE WHEN alias_script = 2 THEN 'cyrl' ELSE 'latn' END, 'alias',
        string_to_array(alias_keys, ' '), now() - make_interval(secs => i)
      FROM k WHERE has_alias`.execute(db);
    log(`bench: people ${to.toLocaleString('en')} of ${count.toLocaleString('en')} (${((Date.now() - started) / 1000).toFixed(1)} s for this batch)`);
  }
  // Stored as the server stores them (docs/nrm.md, "Identity at rest"): names and dates of birth
  // sealed under the bench master key, name keys as blind-index tokens. Generated plain in SQL above
  // (fast), then sealed in batches by the data step's own code.
  log('bench: sealing names and dates of birth');
  await sealPeopleAtRest(db, deriveKeys(BENCH_SECRET_KEY));
  await sql`VACUUM ANALYZE people`.execute(db);
  await sql`VACUUM ANALYZE person_names`.execute(db);
  return agencies;
}

/** What a case worker types into the search box: names in all three scripts, whole or surname only, in either order. */
export const PEOPLE_QUERIES: readonly string[] = [
  'Məmmədov',
  'Гусейн Мамедов',
  'Leyla Aliyeva',
  'Hüseynov Rəşid',
  'Джафаров',
  'Khadija Jafarova',
  'Orucov Yaqub',
  'Иванов Сергей',
  'Nərgiz Həsənova',
  'Guliyev Elchin',
  'Гюльнара Исмаилова',
  'Konul',
  'Əli oğlu Hüseynov',
  'Kapanadze Nino',
  'Мустафаев Эльвин',
  'Ulviyya Suleymanova',
];
