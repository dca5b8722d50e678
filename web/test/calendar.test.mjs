// Dates in the reader's calendar and digits (src/calendar.ts): the Persian solar hijri
// calendar for fa, Arabic-Indic digits for ar, and exact moves between ISO days and a
// calendar's year/month/day (the date fields).
import { test } from "node:test";
import assert from "node:assert/strict";
import { calendarOf, daysInMonth, fromCalendar, intlLocale, isoOf, monthNames, toCalendar } from "../.test-build/calendar.js";

test("each language's locale: Arabic-Indic digits for ar, Persian digits and calendar for fa", () => {
  const day = new Date(Date.UTC(2026, 2, 21, 12));
  const fmt = (l) => new Intl.DateTimeFormat(intlLocale(l), { dateStyle: "long", timeZone: "UTC" }).format(day);
  assert.match(fmt("ar"), /٢٠٢٦/);
  assert.match(fmt("fa"), /۱۴۰۵/);
  assert.match(fmt("fa"), /فروردین/);
  assert.match(fmt("en"), /2026/);
  assert.equal(calendarOf("fa"), "persian");
  assert.equal(calendarOf("ar"), "gregory");
});

test("Nowruz 1405 is 21 March 2026; 30 Esfand exists in leap years only; Mehr has 30 days", () => {
  assert.deepEqual(toCalendar("2026-03-21", "persian"), { y: 1405, m: 1, d: 1 });
  assert.equal(fromCalendar({ y: 1405, m: 1, d: 1 }, "persian"), "2026-03-21");
  assert.equal(fromCalendar({ y: 1403, m: 12, d: 30 }, "persian"), "2025-03-20");
  assert.equal(fromCalendar({ y: 1404, m: 12, d: 30 }, "persian"), null);
  assert.equal(fromCalendar({ y: 1405, m: 7, d: 31 }, "persian"), null);
  assert.equal(daysInMonth(1405, 1, "persian"), 31);
  assert.equal(daysInMonth(1405, 7, "persian"), 30);
  assert.equal(daysInMonth(2024, 2, "gregory"), 29);
  assert.equal(fromCalendar({ y: 2023, m: 2, d: 29 }, "gregory"), null);
  assert.equal(toCalendar("2026-02-30", "gregory"), null);
});

test("every day from 1950 to 2060 goes to the Persian calendar and back unchanged", () => {
  for (let ms = Date.UTC(1950, 0, 1); ms < Date.UTC(2060, 0, 1); ms += 86_400_000) {
    const iso = isoOf(ms);
    assert.equal(fromCalendar(toCalendar(iso, "persian"), "persian"), iso);
  }
});

test("month names in the language and calendar", () => {
  assert.deepEqual(monthNames(intlLocale("fa"), "persian").slice(0, 2), ["فروردین", "اردیبهشت"]);
  assert.equal(monthNames(intlLocale("ar"), "gregory")[0], "يناير");
  assert.equal(monthNames("ru", "gregory").length, 12);
});
