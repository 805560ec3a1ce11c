import { parse } from "node-cron";

const MINUTE = 60_000;
/** Search bound: a year of minutes covers any five-field expression that matches at all. */
const MAX_STEPS = 366 * 24 * 60;

function matcher(expression: string): (date: Date) => boolean {
  const fields = parse(expression);
  const set = (values: readonly (number | string)[]) => new Set(values.map(Number));
  const minutes = set(fields.minute);
  const hours = set(fields.hour);
  const days = set(fields.dayOfMonth);
  const months = set(fields.month);
  const weekdays = set(fields.dayOfWeek.map((day) => (Number(day) === 7 ? 0 : day)));
  return (date) =>
    minutes.has(date.getUTCMinutes()) &&
    hours.has(date.getUTCHours()) &&
    days.has(date.getUTCDate()) &&
    months.has(date.getUTCMonth() + 1) &&
    weekdays.has(date.getUTCDay());
}

/** The latest time at or before `now` the UTC cron expression fired, or null if none within a year. */
export function previousRun(expression: string, now: Date): Date | null {
  const matches = matcher(expression);
  let time = Math.floor(now.getTime() / MINUTE) * MINUTE;
  for (let step = 0; step < MAX_STEPS; step += 1, time -= MINUTE) if (matches(new Date(time))) return new Date(time);
  return null;
}

/** The first time strictly after `now` the UTC cron expression fires, or null if none within a year. */
export function nextRun(expression: string, now: Date): Date | null {
  const matches = matcher(expression);
  let time = (Math.floor(now.getTime() / MINUTE) + 1) * MINUTE;
  for (let step = 0; step < MAX_STEPS; step += 1, time += MINUTE) if (matches(new Date(time))) return new Date(time);
  return null;
}
