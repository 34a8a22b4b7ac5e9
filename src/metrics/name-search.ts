/**
 * The student list's search (activity-reports.md, "Search"): a case-insensitive substring of the
 * name after Unicode NFKD with combining marks removed. So "jose" finds "José" and "JOSE" finds
 * "josé", while letters that are not a base letter plus marks stay themselves: "ø" finds "Ørsted"
 * but "o" does not.
 */

/** `text` as the search compares it: lower case, compatibility-decomposed, without combining marks. */
export function searchKey(text: string): string {
  // Lower case first: some capitals lower to a letter plus a combining mark ("İ" → "i̇"), which
  // the decomposition and the mark removal then fold like any other accent.
  return text.toLowerCase().normalize('NFKD').replace(/\p{M}/gu, '');
}

/**
 * Whether `name` matches the search `query`. Leading and trailing spaces of the query are ignored
 * (a pasted name often carries them) and a blank query matches every name.
 */
export function matchesSearch(name: string, query: string): boolean {
  const wanted = searchKey(query.trim());
  return wanted === '' || searchKey(name).includes(wanted);
}
