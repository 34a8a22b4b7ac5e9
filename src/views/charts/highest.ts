/** The item with the largest positive `value`, the first of equals (the earliest day or month); null when none is above 0. */
export function highest<T>(items: readonly T[], value: (item: T) => number): T | null {
  let best: T | null = null;
  for (const item of items) if (value(item) > 0 && (best === null || value(item) > value(best))) best = item;
  return best;
}
