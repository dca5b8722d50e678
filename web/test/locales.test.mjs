// Every key exists in every locale with a non-empty value, and the right-to-left locales
// carry no English: after removing {placeholders}, ar and fa values contain no Latin letters.
// Run: npm test (node --test), and as the ctest web_unit.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

const dir = new URL("../src/locales/", import.meta.url);
const load = (l) => JSON.parse(readFileSync(new URL(`${l}.json`, dir), "utf8"));
const en = load("en");
const LOCALES = ["ar", "en", "ru", "fa"];

for (const l of LOCALES) {
  test(`${l}: every key of every locale, non-empty`, () => {
    const cat = load(l);
    for (const other of LOCALES) {
      for (const k of Object.keys(load(other))) {
        assert.ok(k in cat, `${l} lacks ${k} (present in ${other})`);
      }
    }
    for (const [k, v] of Object.entries(cat)) {
      assert.equal(typeof v, "string", `${l}.${k}`);
      assert.ok(v.trim().length > 0, `${l}.${k} is empty`);
    }
  });

  test(`${l}: the same {placeholders} as en`, () => {
    const cat = load(l);
    const ph = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const k of Object.keys(en)) assert.deepEqual(ph(cat[k]), ph(en[k]), `${l}.${k}`);
  });
}

for (const l of ["ar", "fa"]) {
  test(`${l}: no English left (no Latin letters outside placeholders)`, () => {
    for (const [k, v] of Object.entries(load(l))) {
      const text = v.replace(/\{\w+\}/g, "");
      assert.doesNotMatch(text, /[A-Za-z]/, `${l}.${k} = ${v}`);
    }
  });
}

test("ru: no English left (no Latin letters outside placeholders)", () => {
  for (const [k, v] of Object.entries(load("ru"))) {
    assert.doesNotMatch(v.replace(/\{\w+\}/g, ""), /[A-Za-z]/, `ru.${k} = ${v}`);
  }
});
