/**
 * Fuzzy matching for the command palette: a query matches a text when its
 * characters appear in order (case-insensitive). Better matches score higher:
 * consecutive runs, matches at word starts, and an early first match.
 */

const BOUNDARY_CHARS = new Set([" ", "-", "_", ".", "/", ":", "(", "+"]);

const SCORE_MATCH = 1;
const BONUS_WORD_START = 8;
const BONUS_TEXT_START = 4;
const BONUS_CONSECUTIVE = 8;
const PENALTY_GAP = 1;
const PENALTY_GAP_MAX = 4;
const PENALTY_LEADING_PER_CHAR = 0.1;
const PENALTY_LEADING_MAX = 3;

function isWordStart(text: string, index: number): boolean {
  if (index === 0) return true;
  const prev = text.charAt(index - 1);
  const cur = text.charAt(index);
  if (BOUNDARY_CHARS.has(prev)) return true;
  // camelCase hump: "appInfo" -> "I"
  return prev === prev.toLowerCase() && cur !== cur.toLowerCase();
}

/**
 * Best score of `query` against `text`, or null when it does not match.
 * An empty query matches everything with score 0.
 */
export function fuzzyScore(query: string, text: string): number | null {
  const q = query.trim().toLowerCase();
  if (q.length === 0) return 0;
  const t = text.toLowerCase();
  if (q.length > t.length) return null;

  // best[j]: best score with the current query char matched at text index j.
  let prev: number[] = new Array<number>(t.length).fill(-Infinity);
  for (let i = 0; i < q.length; i++) {
    const cur: number[] = new Array<number>(t.length).fill(-Infinity);
    const qc = q.charAt(i);
    // Running best of prev[k] - gap penalty over k < j, recomputed per j
    // (texts are short: palette titles).
    for (let j = i; j < t.length; j++) {
      if (t.charAt(j) !== qc) continue;
      let charScore = SCORE_MATCH;
      if (isWordStart(text, j)) charScore += BONUS_WORD_START;
      if (j === 0) charScore += BONUS_TEXT_START;

      if (i === 0) {
        cur[j] = charScore - Math.min(j * PENALTY_LEADING_PER_CHAR, PENALTY_LEADING_MAX);
        continue;
      }
      let best = -Infinity;
      for (let k = i - 1; k < j; k++) {
        const before = prev[k] ?? -Infinity;
        if (before === -Infinity) continue;
        const gap = j - k - 1;
        const step =
          gap === 0 ? BONUS_CONSECUTIVE : -Math.min(gap * PENALTY_GAP, PENALTY_GAP_MAX);
        if (before + step > best) best = before + step;
      }
      if (best !== -Infinity) cur[j] = best + charScore;
    }
    prev = cur;
  }
  const result = Math.max(...prev);
  return result === -Infinity ? null : result;
}

export type FuzzyItem = { title: string; keywords?: readonly string[] };

/**
 * The items matching `query`, best first: items whose title matches come
 * before items that match only through a keyword, each group by score. Ties
 * keep the input order, and an empty query returns the items unchanged.
 */
export function fuzzyFilter<T extends FuzzyItem>(items: readonly T[], query: string): T[] {
  if (query.trim().length === 0) return [...items];
  const scored: { item: T; tier: number; score: number; index: number }[] = [];
  items.forEach((item, index) => {
    const titleScore = fuzzyScore(query, item.title);
    if (titleScore !== null) {
      scored.push({ item, tier: 0, score: titleScore, index });
      return;
    }
    let keywordScore: number | null = null;
    for (const keyword of item.keywords ?? []) {
      const s = fuzzyScore(query, keyword);
      if (s !== null && (keywordScore === null || s > keywordScore)) keywordScore = s;
    }
    if (keywordScore !== null) scored.push({ item, tier: 1, score: keywordScore, index });
  });
  scored.sort((a, b) => a.tier - b.tier || b.score - a.score || a.index - b.index);
  return scored.map((s) => s.item);
}
