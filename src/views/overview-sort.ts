/**
 * The orders of the overview's student list (`?sort=&dir=`). The report lists students by name
 * (family name first, as the course's lists are); every other order keeps that as the tie-break,
 * so equal figures stay in name order. Students without the figure (no visits yet: no last visit,
 * no average) come last in both directions: an instructor sorting by "last visit" wants the
 * latest or the earliest visitors, and the students who never came are a separate list.
 */
import type { OverviewListRow } from '../metrics/index.js';

export const OVERVIEW_SORTS = ['name', 'lastVisit', 'total', 'average'] as const;
export type OverviewSort = (typeof OVERVIEW_SORTS)[number];

export const SORT_DIRECTIONS = ['asc', 'desc'] as const;
export type SortDirection = (typeof SORT_DIRECTIONS)[number];

/** The direction a column sorts in when it is first chosen: names A–Z, figures largest (latest) first. */
export const DEFAULT_DIRECTION: Readonly<Record<OverviewSort, SortDirection>> = { name: 'asc', lastVisit: 'desc', total: 'desc', average: 'desc' };

/** The figure a column sorts by; null sorts last. */
const KEY: Record<Exclude<OverviewSort, 'name'>, (row: OverviewListRow) => string | number | null> = {
  lastVisit: (row) => row.lastVisit,
  total: (row) => row.totalDurationSeconds,
  average: (row) => row.averageVisitSeconds,
};

/** `list` (in the report's name order) in the order asked for; a new array. */
export function sortStudentList<Row extends OverviewListRow>(list: readonly Row[], sort: OverviewSort, dir: SortDirection): Row[] {
  if (sort === 'name') return dir === 'asc' ? [...list] : [...list].reverse();
  const key = KEY[sort];
  const sign = dir === 'asc' ? 1 : -1;
  return list
    .map((row, index) => ({ row, index, value: key(row) }))
    .sort((a, b) => {
      if (a.value === null || b.value === null) return a.value === b.value ? a.index - b.index : a.value === null ? 1 : -1;
      const order = a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
      return sign * order || a.index - b.index;
    })
    .map(({ row }) => row);
}
