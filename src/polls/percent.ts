// Percentages that add up to exactly 100: the largest-remainder (Hamilton) method.

/**
 * Integer percentages of `counts`: each option first gets the floor of its exact share, then the
 * points still missing go, one each, to the options with the largest remainders (ties: the
 * option with more votes, then the earlier one). All zeros when there is no vote.
 */
export function largestRemainderPercents(counts: readonly number[]): number[] {
  const total = counts.reduce((sum, n) => sum + n, 0);
  if (total === 0) return counts.map(() => 0);
  // Integer arithmetic: share = count * 100 / total, exactly, as quotient and remainder.
  const floors = counts.map((n) => Math.floor((n * 100) / total));
  const remainders = counts.map((n) => (n * 100) % total);
  let missing = 100 - floors.reduce((sum, n) => sum + n, 0);
  const order = counts
    .map((_, i) => i)
    .sort(
      (a, b) =>
        (remainders[b] ?? 0) - (remainders[a] ?? 0) || (counts[b] ?? 0) - (counts[a] ?? 0) || a - b,
    );
  for (const i of order) {
    if (missing === 0) break;
    floors[i] = (floors[i] ?? 0) + 1;
    missing--;
  }
  return floors;
}
