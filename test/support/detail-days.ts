/**
 * Expected day lists of the Activity Details, written by hand: every day of a range at zero but
 * those a test names. Built with addDays alone, so the test's expectation does not lean on the
 * figures under test.
 */
import { addDays, type DetailDay } from '../../src/metrics/index.js';

export type DayCounts = Partial<Omit<DetailDay, 'date'>>;

/** Every day from `from` through `to`, zero except the days of `set`. */
export function detailDays(from: string, to: string, set: Record<string, DayCounts> = {}): DetailDay[] {
  const days: DetailDay[] = [];
  for (let date = from; date <= to; date = addDays(date, 1)) {
    days.push({ date, visits: 0, durationSeconds: 0, actions: 0, resources: 0, activities: 0, communication: 0, ...set[date] });
  }
  return days;
}

/** The activity-per-day entries of `from` through `to`, zero except the days of `set`. */
export function monthDays(from: string, to: string, set: Record<string, { visits: number; durationSeconds: number }> = {}) {
  return detailDays(from, to).map(({ date }) => ({ date, visits: 0, durationSeconds: 0, ...set[date] }));
}

/** 12 months of communication counts from `first`, zero except the months of `set`. */
export function communicationTrend(first: string, set: Record<string, Partial<{ threadsStarted: number; discussionPosts: number; bulletinComments: number }>> = {}) {
  const months: { month: string; threadsStarted: number; discussionPosts: number; bulletinComments: number }[] = [];
  let month = first;
  for (let i = 0; i < 12; i += 1) {
    months.push({ month, threadsStarted: 0, discussionPosts: 0, bulletinComments: 0, ...set[month] });
    const [year, m] = month.split('-').map(Number) as [number, number];
    month = m === 12 ? `${year + 1}-01` : `${year}-${String(m + 1).padStart(2, '0')}`;
  }
  return months;
}
