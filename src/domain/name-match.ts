/**
 * Matching people's names across Azerbaijani Latin, Russian Cyrillic and English transliterations.
 *
 * A name is parsed into its core words (given and family names, in any order) and its patronymic
 * (Azerbaijani "Əli oğlu" / "Əli qızı", Cyrillic "Али оглы" / "Али кызы", Russian "Алиевич" /
 * "Алиевна"). Each word becomes a *key*: Cyrillic is transliterated, and the letters that scripts and
 * transliteration schemes spell differently are folded together, so that Hüseynov, Гусейнов,
 * Huseynov and Guseinov share one key while Həsənov keeps another. Keys are what the database
 * narrows candidates by; the score ranks them.
 *
 * Words are compared by how they sound (`wordSound`), weighted as a native speaker hears them:
 * another consonant is another name (Səfərov, Cəfərov), a doubled letter is heard but weighs little.
 *
 * The score (0..1) of two names pairs their core words best-first regardless of order, and is the
 * lower of (a) the Dice share of words paired, weighted by each pair's similarity, and (b) the
 * weakest pair's similarity: one clearly different word (Hüseyn Həsənov against Hüseyn Hüseynov)
 * keeps two names apart however alike the rest is. A differing patronymic (both given) scales the
 * score by 0.75. Two names *match* at `MATCH_THRESHOLD` (0.85) or above.
 *
 * The sex form of a surname (Aliyeva against Aliyev, Мамедова against Мамедов) shares the key, so
 * a search for one finds the other (the same family), but the pair scores 0.8: not a match, since
 * the feminine and masculine forms name different people far more often than a typing slip does.
 */
import { cyrillicToLatin } from './names.ts';

/** Two names at or above this score are taken to be the same name. */
export const MATCH_THRESHOLD = 0.85;
/** Similarity of one word in its feminine form against the masculine (Aliyeva, Aliyev). */
export const SEX_FORM_SIMILARITY = 0.8;
/** Similarity of an initial against a word starting with it (H. against Hüseyn). */
export const INITIAL_SIMILARITY = 0.75;
/** How much a differing patronymic (both given) scales the score. */
export const PATRONYMIC_DIFFERS_FACTOR = 0.75;

/** The script a name is written in: any Cyrillic letter makes it Cyrillic, else any Latin letter Latin. */
export function detectScript(text: string): 'latn' | 'cyrl' | 'other' {
  if (/\p{Script=Cyrillic}/u.test(text)) return 'cyrl';
  if (/\p{Script=Latin}/u.test(text)) return 'latn';
  return 'other';
}

/** Lower case, Cyrillic transliterated as in passports (Гусейнов -> guseynov), Azerbaijani letters kept. */
function latinLower(word: string): string {
  // Azerbaijani and Turkish dotted/dotless i: İ -> i, I -> ı would be right for Azerbaijani text but
  // wrong for English; both fold to i below, so plain lower case is enough.
  // A vowel before e is a y-glide the Latin spelling may leave out: Rzaev = Rzayev = Рзаев, Aliev = Aliyev.
  return cyrillicToLatin(word.normalize('NFC').replace(/İ/g, 'i'))
    .toLowerCase()
    .replace(/([aouiıəöü])e/g, '$1ye');
}

/**
 * The matching key of one word (no patronymic markers or feminine endings handled here). Folds:
 * ı/i/y; ş/sh; ç/ch; c/j/dzh/dj/zh; x/kh/h/g/ğ/gh/q (Azerbaijani h and q are Russian г); ü/u; ö/o;
 * ə/e/a; w/v; a y-glide after a consonant (Russian ю, ё: Гюльнара = Gülnarə, Кёнуль = Könül);
 * accents dropped; doubled letters once (Məmmədov = Mamedov).
 */
export function wordKey(word: string): string {
  const known = keyCache.get(word);
  if (known !== undefined) return known;
  const key = computeWordKey(word);
  // Names repeat a great deal (a search ranks hundreds of Məmmədovs): remember the last many words.
  if (keyCache.size >= KEY_CACHE_SIZE) keyCache.clear();
  keyCache.set(word, key);
  return key;
}

const KEY_CACHE_SIZE = 50_000;
const keyCache = new Map<string, string>();

/**
 * How one word sounds, for scoring: the key's folds with one letter per sound (S ş/sh, C ç/ch, J c/j,
 * H x/h/q/ğ) and a doubled letter kept (Məmmədov -> maMMadov). Keys collapse doubled letters so that a
 * search finds Мамедов for Məmmədov; the score still hears them, as a native speaker does, though a
 * doubling weighs little (see `soundSimilarity`).
 */
export function wordSound(word: string): string {
  const known = soundCache.get(word);
  if (known !== undefined) return known;
  const sound = computeWordKey(word, false, false);
  if (soundCache.size >= KEY_CACHE_SIZE) soundCache.clear();
  soundCache.set(word, sound);
  return sound;
}
const soundCache = new Map<string, string>();

function computeWordKey(word: string, collapseDoubled = true, spelled = true): string {
  // Upper-case letters are placeholders, so that the folds below cannot reach into sh, ch and j.
  const folded = latinLower(word)
    .replace(/ı/g, 'i')
    .replace(/ş|sh/g, 'S')
    .replace(/ç|ch|tch/g, 'C')
    .replace(/dzh|dj|zh|[cj]/g, 'J')
    .replace(/kh|gh|[xqgğh]/g, 'H')
    .replace(/ü/g, 'u')
    .replace(/ö/g, 'o')
    .replace(/[əeä]/g, 'a')
    .replace(/w/g, 'v')
    .replace(/y/g, 'i')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[^a-zSJCH0-9]/g, '');
  const s = (collapseDoubled ? folded.replace(/(.)\1+/g, '$1') : folded)
    // ю/ё after a consonant is Azerbaijani ü/ö: Vüsal = Вюсал (vyusal), Könül = Кёнуль (kyonul)
    .replace(/([^aiou])i([uo])/g, '$1$2');
  if (!spelled) return s;
  return s.replace(/S/g, 'sh').replace(/C/g, 'ch').replace(/J/g, 'j').replace(/H/g, 'h');
}

/**
 * The consonant skeleton of a key (first letter kept, k folded into h): catches the spellings that keys
 * keep apart (Orucov = Оруджев, Tofiq = Тофик, Ləman = Ляман, Məhəmməd = Магомед) for the looser look-up.
 */
export const skeletonOf = (key: string): string =>
  (key.slice(0, 1) + key.slice(1).replace(/[aiou]/g, '')).replace(/k/g, 'h').replace(/(.)\1+/g, '$1');

const FEMININE = /^(.{3,})(ova|ava)$/;
/** A surname's feminine ending folded to the masculine (key level): aliava -> aliav, mamadova -> mamadov. */
const foldFeminine = (key: string): { key: string; feminine: boolean } => {
  const m = FEMININE.exec(key);
  return m ? { key: `${m[1]}${m[2]!.slice(0, 2)}`, feminine: true } : { key, feminine: false };
};

// Keys of the Azerbaijani patronymic words: oğlu/oglu/ogly/оглы, qızı/gizi/kyzy/кызы/гызы.
const SON_OF = new Set(['ohlu', 'ohli']);
const DAUGHTER_OF = new Set(['hizi', 'kizi', 'hiz', 'kiz']);
// Russian patronymics: -ovich/-evich/-yevich, -ovna/-evna/-yevna (Алиевич -> Али, Мамедович -> Мамед).
const RUSSIAN_PATRONYMIC = /^(.{2,}?)(?:y?evich|ovich|y?evitch|ovitch|y?evna|ovna)$/;

/** One word of a name: its key (feminine ending folded), whether it was feminine, and as written (lower case). */
export type NameWord = { key: string; feminine: boolean; raw: string; /** `wordSound`, feminine ending folded; unset: the key */ sound?: string };
export type ParsedName = { words: NameWord[]; patronymic: string | null };
export type NameParts = { givenName?: string | null; familyName?: string | null; patronymic?: string | null };

const splitWords = (text: string) => text.split(/[\s\-–—,;:()/.]+/u).filter((w) => w.length > 0);

function toWord(raw: string): NameWord | null {
  const k = wordKey(raw);
  if (k.length === 0) return null;
  const f = foldFeminine(k);
  const sound = f.feminine ? foldFeminine(wordSound(raw)).key : wordSound(raw);
  return { key: f.key, feminine: f.feminine, raw: raw.normalize('NFC').toLowerCase(), sound };
}

/** The father's name in a patronymic given on its own: "Əli oğlu", "Алиевич", "Əli". */
function patronymicKey(text: string): string | null {
  const words = splitWords(text).filter((w) => {
    const k = wordKey(w);
    return k.length > 0 && !SON_OF.has(k) && !DAUGHTER_OF.has(k);
  });
  if (words.length === 0) return null;
  const first = latinLower(words[0]!).replace(/[^\p{L}]/gu, '');
  const russian = RUSSIAN_PATRONYMIC.exec(first);
  return wordKey(russian ? russian[1]! : words[0]!) || null;
}

/**
 * A full name written as one string, in any order: "Hüseyn Əli oğlu Məmmədov", "Мамедов Гусейн Алиевич",
 * "MAMMADOV HUSEYN". The word before oğlu/qızı (оглы/кызы) and a word ending in -ovich/-ovna are the
 * patronymic; every other word is a core word.
 */
export function parseName(text: string): ParsedName {
  const raw = splitWords(text);
  const words: NameWord[] = [];
  let patronymic: string | null = null;
  for (let i = 0; i < raw.length; i++) {
    const w = raw[i]!;
    const k = wordKey(w);
    const next = raw[i + 1] === undefined ? '' : wordKey(raw[i + 1]!);
    if (patronymic === null && (SON_OF.has(next) || DAUGHTER_OF.has(next)) && k.length > 0) {
      patronymic = k;
      i++;
      continue;
    }
    if (SON_OF.has(k) || DAUGHTER_OF.has(k)) continue;
    const russian = RUSSIAN_PATRONYMIC.exec(latinLower(w).replace(/[^\p{L}]/gu, ''));
    if (patronymic === null && russian && raw.length > 1) {
      patronymic = wordKey(russian[1]!);
      continue;
    }
    const word = toWord(w);
    if (word) words.push(word);
  }
  return { words, patronymic };
}

/** A name given in parts (given, family, patronymic), as a person record stores it. */
export function parseNameParts(n: NameParts): ParsedName {
  const words = [...splitWords(n.givenName ?? ''), ...splitWords(n.familyName ?? '')].map(toWord).filter((w): w is NameWord => w !== null);
  return { words, patronymic: n.patronymic ? patronymicKey(n.patronymic) : null };
}

const toParsed = (n: string | NameParts | ParsedName): ParsedName =>
  typeof n === 'string' ? parseName(n) : 'words' in n ? n : parseNameParts(n);

/**
 * The keys a person's name is stored with (GIN-indexed): each core word's key, the patronymic's key,
 * and each of their consonant skeletons prefixed `~` for the second, looser look-up.
 */
export function nameMatchKeys(n: string | NameParts | ParsedName): string[] {
  const p = toParsed(n);
  const keys = [...p.words.map((w) => w.key), ...(p.patronymic ? [p.patronymic] : [])];
  return [...new Set([...keys, ...keys.map((k) => `~${skeletonOf(k)}`)])].sort();
}

/**
 * What a search looks up: first every core word's key, then (if that finds too little) every core
 * word's skeleton. A patronymic the query marks (oğlu, -ovich) is not required: many records lack one.
 */
export function queryKeyTiers(query: string | NameParts | ParsedName): { exact: string[]; loose: string[] } {
  const p = toParsed(query);
  const keys = [...new Set(p.words.map((w) => w.key))].sort();
  return { exact: keys, loose: [...new Set(keys.map((k) => `~${skeletonOf(k)}`))].sort() };
}

const VOWELS = new Set(['a', 'i', 'o', 'u']);
/** Vowels Russian spelling reduces (Оруджев = Orucov): heard as one. */
const VOWEL_PAIR = new Set(['ao', 'oa']);
/**
 * Consonants heard alike in one name's spellings: k and Azerbaijani q (key h: Yaqub, Якуб, Yakub), a
 * final b/p and d/t (Zeynəb, Zeynep; Murad, Murat), c and ç (key j and ch: Sevinc, Sevinç).
 * Letters are phonemes here: S is sh, C is ch.
 */
const ALIKE_CONSONANTS = new Set(['kH', 'Hk', 'bp', 'pb', 'dt', 'td', 'JC', 'CJ']);
/**
 * What a native speaker hears as a different name: another consonant (Səfərov, Cəfərov; Kərimov,
 * Kazımov; Nəsirov, Nəsibov) costs two edits, another vowel one, a consonant more or less one and a half.
 */
const CONSONANT_SUBSTITUTION = 2;
const CONSONANT_INDEL = 1.5;
/** One letter of a doubled pair (Məmmədov, Мамедов; Abdullayev, Abdulayev): Russian spelling often drops it. */
const DOUBLING_INDEL = 0.25;

/** A key's letters back to one per sound (a key's sh may also be s and h: `wordSound` is exact). */
const phonemes = (key: string) => key.replace(/sh/g, 'S').replace(/ch/g, 'C').replace(/j/g, 'J').replace(/h/g, 'H');

function indelCost(s: string, k: number): number {
  const c = s[k]!;
  if (c === s[k - 1] || c === s[k + 1]) return DOUBLING_INDEL;
  if (!VOWELS.has(c)) return CONSONANT_INDEL;
  // An i between a consonant and a vowel is a y-glide some spellings write and others not (Ляман = Ləman).
  return c === 'i' && k > 0 && !VOWELS.has(s[k - 1]!) && VOWELS.has(s[k + 1] ?? '') ? 0.5 : 1;
}

function substitutionCost(x: string, y: string): number {
  if (x === y) return 0;
  const vx = VOWELS.has(x);
  const vy = VOWELS.has(y);
  if (vx && vy) return VOWEL_PAIR.has(x + y) ? 0.5 : 1;
  if (!vx && !vy && ALIKE_CONSONANTS.has(x + y)) return 0.5;
  return CONSONANT_SUBSTITUTION;
}

/** Edit distance on phonemes, weighted by how differently the edit sounds. */
function weightedDistance(a: string, b: string): number {
  const prev = [0];
  for (let j = 1; j <= b.length; j++) prev[j] = prev[j - 1]! + indelCost(b, j - 1);
  const cur = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = prev[0]! + indelCost(a, i - 1);
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + indelCost(a, i - 1), cur[j - 1]! + indelCost(b, j - 1), prev[j - 1]! + substitutionCost(a[i - 1]!, b[j - 1]!));
    }
    for (let j = 0; j <= b.length; j++) prev[j] = cur[j]!;
  }
  return prev[b.length]!;
}

/** Similarity 0..1 of two `wordSound`s: 1 less the weighted edits per sound of the longer. */
export function soundSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  if (a.length === 0 || b.length === 0) return 0;
  if ((a.length === 1 || b.length === 1) && a[0] === b[0]) return INITIAL_SIMILARITY;
  return Math.max(0, 1 - weightedDistance(a, b) / Math.max(a.length, b.length));
}

/** Similarity 0..1 of two keys, as `soundSimilarity` (a key has lost its doubled letters). */
export const keySimilarity = (a: string, b: string): number => (a === b ? 1 : soundSimilarity(phonemes(a), phonemes(b)));

function wordSimilarity(a: NameWord, b: NameWord): number {
  const s = a.sound !== undefined && b.sound !== undefined ? soundSimilarity(a.sound, b.sound) : keySimilarity(a.key, b.key);
  return a.feminine === b.feminine ? s : s * SEX_FORM_SIMILARITY;
}

type Pair = { i: number; j: number; sim: number };

/** Pairs words of two names best-first, each word at most once (order does not matter). */
function pairWords(a: readonly NameWord[], b: readonly NameWord[]): Pair[] {
  const all: Pair[] = [];
  for (let i = 0; i < a.length; i++) for (let j = 0; j < b.length; j++) all.push({ i, j, sim: wordSimilarity(a[i]!, b[j]!) });
  all.sort((x, y) => y.sim - x.sim || x.i - y.i || x.j - y.j);
  const usedA = new Set<number>();
  const usedB = new Set<number>();
  const pairs: Pair[] = [];
  for (const p of all) {
    if (usedA.has(p.i) || usedB.has(p.j)) continue;
    usedA.add(p.i);
    usedB.add(p.j);
    pairs.push(p);
  }
  return pairs;
}

export const MATCH_REASONS = [
  /** Every word written the same. */
  'same_spelling',
  /** The same words in another script or transliteration. */
  'transliteration',
  /** Alike but not the same key: a spelling variant or a typing slip. */
  'similar_spelling',
  /** The same words in another order (family name first). */
  'different_order',
  /** One name has words the other lacks (a missing given name, an extra middle name). */
  'words_missing',
  /** A surname in its feminine form against the masculine. */
  'sex_form_differs',
  'patronymic_agrees',
  'patronymic_differs',
  /** A word that does not match at all. */
  'different_word',
] as const;
export type MatchReason = (typeof MATCH_REASONS)[number];

export type NameComparison = { score: number; match: boolean; reasons: MatchReason[] };

const round = (x: number) => Math.round(x * 1000) / 1000;

function compareCore(a: ParsedName, b: ParsedName): NameComparison {
  if (a.words.length === 0 || b.words.length === 0) return { score: 0, match: false, reasons: [] };
  const pairs = pairWords(a.words, b.words);
  const sum = pairs.reduce((s, p) => s + p.sim, 0);
  const dice = (2 * sum) / (a.words.length + b.words.length);
  const weakest = Math.min(...pairs.map((p) => p.sim));
  let score = Math.min(dice, weakest);
  const reasons = new Set<MatchReason>();
  if (pairs.every((p) => a.words[p.i]!.raw === b.words[p.j]!.raw) && a.words.length === b.words.length) reasons.add('same_spelling');
  else if (pairs.every((p) => a.words[p.i]!.key === b.words[p.j]!.key && a.words[p.i]!.feminine === b.words[p.j]!.feminine)) reasons.add('transliteration');
  if (pairs.some((p) => p.sim < 1 && p.sim >= MATCH_THRESHOLD)) reasons.add('similar_spelling');
  if (pairs.some((p) => a.words[p.i]!.key === b.words[p.j]!.key && a.words[p.i]!.feminine !== b.words[p.j]!.feminine)) reasons.add('sex_form_differs');
  if (pairs.some((p) => p.sim < MATCH_THRESHOLD && a.words[p.i]!.key !== b.words[p.j]!.key)) reasons.add('different_word');
  if (a.words.length !== b.words.length) reasons.add('words_missing');
  const ordered = [...pairs].sort((x, y) => x.i - y.i);
  if (ordered.some((p, k) => k > 0 && p.j < ordered[k - 1]!.j)) reasons.add('different_order');
  if (a.patronymic && b.patronymic) {
    if (keySimilarity(a.patronymic, b.patronymic) >= MATCH_THRESHOLD) reasons.add('patronymic_agrees');
    else {
      reasons.add('patronymic_differs');
      score *= PATRONYMIC_DIFFERS_FACTOR;
    }
  }
  score = round(score);
  return { score, match: score >= MATCH_THRESHOLD, reasons: MATCH_REASONS.filter((r) => reasons.has(r)) };
}

/**
 * How alike two names are (0..1) and whether they match (score >= `MATCH_THRESHOLD`), with the
 * reasons. Symmetric. When only one name has a patronymic and the other has a word more, that word
 * may be the patronymic written without oğlu/-ovich ("Hüseyn Əli Məmmədov"): the better reading counts.
 */
export function compareNames(a: string | NameParts | ParsedName, b: string | NameParts | ParsedName): NameComparison {
  const pa = toParsed(a);
  const pb = toParsed(b);
  let best = compareCore(pa, pb);
  const asWord = (p: ParsedName): ParsedName => ({ words: [...p.words, { key: p.patronymic!, feminine: false, raw: p.patronymic! }], patronymic: null });
  if (pa.patronymic && !pb.patronymic && pb.words.length > pa.words.length) {
    const alt = compareCore(asWord(pa), pb);
    if (alt.score > best.score) best = alt;
  }
  if (pb.patronymic && !pa.patronymic && pa.words.length > pb.words.length) {
    const alt = compareCore(pa, asWord(pb));
    if (alt.score > best.score) best = alt;
  }
  return best;
}

/**
 * How well a candidate's name answers a search (0..1), asymmetric: every word of the query should be
 * in the name (its best-matching word counts), words the query leaves out cost a little (searching
 * "Məmmədov" ranks every Məmmədov high), and the same spelling as typed wins a tie against a transliteration.
 */
export function searchScore(query: string | ParsedName, candidate: string | NameParts | ParsedName): number {
  const q = toParsed(query);
  const c = toParsed(candidate);
  if (q.words.length === 0 || c.words.length === 0) return 0;
  const cWords = c.patronymic ? [...c.words, { key: c.patronymic, feminine: false, raw: '' }] : c.words;
  const pairs = pairWords(q.words, cWords);
  const found = pairs.reduce((s, p) => s + p.sim, 0) / q.words.length;
  const weakest = pairs.length < q.words.length ? 0 : Math.min(...pairs.map((p) => p.sim));
  const extra = Math.max(0, c.words.length - pairs.filter((p) => p.j < c.words.length).length);
  const exact = pairs.filter((p) => p.j < c.words.length && q.words[p.i]!.raw === c.words[p.j]!.raw).length;
  let score = Math.min(found, (found + weakest) / 2) * 0.97 ** extra;
  if (q.patronymic && c.patronymic && keySimilarity(q.patronymic, c.patronymic) < MATCH_THRESHOLD) score *= PATRONYMIC_DIFFERS_FACTOR;
  score = score * 0.99 + 0.01 * (exact / q.words.length);
  return round(score);
}
