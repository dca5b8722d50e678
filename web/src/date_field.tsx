// A date field in the reader's calendar and digits: day, month (by name) and year as three
// selects, in the Persian solar hijri calendar for fa and the Gregorian one otherwise, with
// Arabic-Indic digits for ar and fa (src/calendar.ts). The browser's own date input follows
// the browser's locale, not the page's, so a Persian reader would get a Gregorian picker.
// The value is an ISO day (yyyy-mm-dd) or "" (no date).
import type { JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { calendarOf, daysInMonth, fromCalendar, intlLocale, monthNames, toCalendar, toCalendarMs } from "./calendar";
import { lang, t } from "./i18n";

type Parts = { y: number | null; m: number | null; d: number | null };

export function DateField({ id, label, value, onChange }: { id: string; label: string; value: string; onChange: (iso: string) => void }): JSX.Element {
  const l = lang();
  const cal = calendarOf(l);
  const locale = intlLocale(l);
  const fromValue = (): Parts => {
    const c = value ? toCalendar(value, cal) : null;
    return c ? { y: c.y, m: c.m, d: c.d } : { y: null, m: null, d: null };
  };
  // Partly chosen dates (a year, no day yet) live here until all three parts are set.
  const [parts, setParts] = useState<Parts>(fromValue);
  useEffect(() => setParts(fromValue()), [value, l]);

  const digits = new Intl.NumberFormat(locale, { useGrouping: false });
  const today = toCalendarMs(Date.now() - (Date.now() % 86_400_000), cal);
  const years: number[] = [];
  for (let y = today.y + 1; y >= today.y - 30; y--) years.push(y);
  const months = monthNames(locale, cal);
  const days = parts.y && parts.m ? daysInMonth(parts.y, parts.m, cal) : 31;

  const set = (k: keyof Parts, v: string) => {
    const next = { ...parts, [k]: v === "" ? null : Number(v) };
    if (next.y && next.m && next.d) next.d = Math.min(next.d, daysInMonth(next.y, next.m, cal));
    setParts(next);
    if (next.y && next.m && next.d) {
      const iso = fromCalendar({ y: next.y, m: next.m, d: next.d }, cal);
      if (iso && iso !== value) onChange(iso);
    } else if (value) {
      onChange("");
    }
  };
  const pick = (k: keyof Parts, name: string, options: [number, string][]) => (
    <select id={`${id}-${k}`} aria-label={`${label}: ${name}`} value={parts[k] ?? ""} onChange={(e) => set(k, e.currentTarget.value)}>
      <option value="">{name}</option>
      {options.map(([v, text]) => (
        <option key={v} value={v}>
          {text}
        </option>
      ))}
    </select>
  );
  return (
    <fieldset class="date-field" id={id} data-value={value} data-calendar={cal}>
      <legend>{label}</legend>
      {pick("d", t("date.day"), Array.from({ length: days }, (_, i) => [i + 1, digits.format(i + 1)]))}
      {pick("m", t("date.month"), months.map((name, i) => [i + 1, name]))}
      {pick("y", t("date.year"), years.map((y) => [y, digits.format(y)]))}
      {value && (
        <button type="button" class="small link" onClick={() => (setParts({ y: null, m: null, d: null }), onChange(""))} aria-label={`${label}: ${t("date.clear")}`}>
          ×
        </button>
      )}
    </fieldset>
  );
}
