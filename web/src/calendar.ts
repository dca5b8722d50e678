// Dates in the reader's locale: the Intl locale of each UI language (Arabic-Indic digits for
// ar, Extended Arabic-Indic digits and the Persian solar hijri calendar for fa), and dates
// moved between ISO days (yyyy-mm-dd, what the API takes) and a calendar's year/month/day,
// for the date fields (src/date_field.tsx). Pure: Intl only, no DOM, so `npm test` covers it.

export type UiLang = "ar" | "en" | "ru" | "fa";
export type Calendar = "gregory" | "persian";

/** The Intl locale for dates and numbers in a UI language. */
export function intlLocale(l: UiLang): string {
  switch (l) {
    case "ar":
      return "ar-u-nu-arab";
    case "fa":
      return "fa-u-ca-persian-nu-arabext";
    default:
      return l;
  }
}

/** The calendar people of that language pick dates in. */
export function calendarOf(l: UiLang): Calendar {
  return l === "fa" ? "persian" : "gregory";
}

export interface CalendarDate {
  y: number;
  m: number; // 1-12
  d: number;
}

const DAY_MS = 86_400_000;
const partsFormat = new Map<Calendar, Intl.DateTimeFormat>();

function partsOf(cal: Calendar): Intl.DateTimeFormat {
  let f = partsFormat.get(cal);
  if (!f) {
    f = new Intl.DateTimeFormat(`en-u-ca-${cal}-nu-latn`, { timeZone: "UTC", year: "numeric", month: "numeric", day: "numeric" });
    partsFormat.set(cal, f);
  }
  return f;
}

/** The day at UTC midnight `ms` as year/month/day of `cal`. */
export function toCalendarMs(ms: number, cal: Calendar): CalendarDate {
  const p = Object.fromEntries(partsOf(cal).formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return { y: Number.parseInt(p.year ?? p.relatedYear, 10), m: Number(p.month), d: Number(p.day) };
}

/** An ISO day (yyyy-mm-dd) in `cal`, or null if it is not a valid day. */
export function toCalendar(iso: string, cal: Calendar): CalendarDate | null {
  const ms = isoMs(iso);
  return ms === null ? null : toCalendarMs(ms, cal);
}

/** The ISO day of `date` in `cal`, or null if that calendar has no such day (e.g. 31 Mehr). */
export function fromCalendar(date: CalendarDate, cal: Calendar): string | null {
  const { y, m, d } = date;
  if (!Number.isInteger(y) || !Number.isInteger(m) || !Number.isInteger(d) || m < 1 || m > 12 || d < 1 || d > 31) return null;
  // A first guess, then steps by the day difference until the calendar agrees (the months of
  // both calendars are 29-31 days long, so this converges in a few steps).
  let ms = cal === "persian" ? Date.UTC(y + 621, m + 1, d + 20) : Date.UTC(y, m - 1, d);
  if (cal === "gregory") {
    const back = new Date(ms);
    if (back.getUTCFullYear() !== y || back.getUTCMonth() !== m - 1 || back.getUTCDate() !== d) return null;
    return isoOf(ms);
  }
  // Persian months 1-6 have 31 days, 7-11 30, 12 29 or 30: the day of the year is exact.
  const ordinal = (c: CalendarDate) => c.y * 365 + (c.m <= 7 ? (c.m - 1) * 31 : 186 + (c.m - 7) * 30) + c.d;
  const same = (c: CalendarDate) => c.y === y && c.m === m && c.d === d;
  for (let i = 0; i < 4; i++) {
    const c = toCalendarMs(ms, cal);
    if (same(c)) return isoOf(ms);
    const diff = ordinal(date) - ordinal(c);
    if (diff === 0) break;
    ms += diff * DAY_MS;
  }
  // The ordinal ignores leap days: the day is within a few days of the guess, or does not
  // exist (e.g. 31 Mehr, or 30 Esfand of a common year).
  for (let k = 1; k <= 4; k++) {
    for (const at of [ms - k * DAY_MS, ms + k * DAY_MS]) if (same(toCalendarMs(at, cal))) return isoOf(at);
  }
  return null;
}

/** How many days month `m` of year `y` has in `cal`. */
export function daysInMonth(y: number, m: number, cal: Calendar): number {
  for (let d = 31; d > 28; d--) if (fromCalendar({ y, m, d }, cal) !== null) return d;
  return 28;
}

/** The month names of `cal` in `locale` (index 0 is month 1). */
export function monthNames(locale: string, cal: Calendar): string[] {
  const f = new Intl.DateTimeFormat(`${locale.split("-u-")[0]}-u-ca-${cal}`, { timeZone: "UTC", month: "long" });
  const out: string[] = [];
  let ms = isoMs(fromCalendar({ y: cal === "persian" ? 1400 : 2020, m: 1, d: 1 }, cal)!)!;
  for (let m = 1; m <= 12; m++) {
    out.push(f.format(new Date(ms)));
    ms += 32 * DAY_MS;
    const c = toCalendarMs(ms, cal);
    ms -= (c.d - 1) * DAY_MS; // back to the first of the next month
  }
  return out;
}

export function isoMs(iso: string | null): number | null {
  if (!iso) return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return null;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return isoOf(ms) === iso ? ms : null;
}

export function isoOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
