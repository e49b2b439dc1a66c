import { normalizeWord } from './parser.ts';

/** Levenshtein distance, two rows, stops early past `max` (names are short). */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * The closest candidate to `word`, if close enough to be a typo: up to 2 edits (a third of
 * the length for long names) and never as many edits as the word has letters.
 */
export function suggest(word: string, candidates: readonly string[]): string | null {
  const w = normalizeWord(word).slice(0, 40);
  if (!w) return null;
  const max = Math.min(Math.max(2, Math.floor(w.length / 3)), w.length - 1);
  let best: string | null = null;
  let bestD = max + 1;
  for (const c of candidates) {
    const d = editDistance(w, normalizeWord(c), max);
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best;
}
