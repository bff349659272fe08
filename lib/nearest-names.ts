/**
 * The names nearest a mistyped one, for "no X named 'y'; nearest: ..." messages: names that hold
 * the typed text (case-insensitive) first, then by edit distance (Levenshtein), graph order on ties.
 */
export function nearestNames(typed: string, names: readonly string[], count = 3): string[] {
  const t = typed.toLowerCase();
  return names
    .map((name, order) => ({ name, order, contains: name.toLowerCase().includes(t) ? 0 : 1, distance: editDistance(t, name.toLowerCase()) }))
    .sort((a, b) => a.contains - b.contains || a.distance - b.distance || a.order - b.order)
    .slice(0, count)
    .map((c) => c.name);
}

/** Levenshtein distance: insertions, deletions and substitutions of one character each. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length];
}
