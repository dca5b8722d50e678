// Localisation: ar, en, ru, fa. Every locale has every key (the compiler checks it through
// the Messages type; test/locales.test.mjs checks it again, and that ar and fa carry no Latin
// words). ar and fa are right-to-left: <html dir="rtl">, and the CSS uses only logical
// properties, so the layout mirrors itself. Dates and numbers are formatted with Intl, in the
// digits and calendar of the language (intlLocale).
import en from "./locales/en.json";
import ar from "./locales/ar.json";
import ru from "./locales/ru.json";
import fa from "./locales/fa.json";
import { intlLocale } from "./calendar";

export type Key = keyof typeof en;
type Messages = Record<Key, string>;

export const LANGS = ["ar", "en", "ru", "fa"] as const;
export type Lang = (typeof LANGS)[number];

const catalogs: Record<Lang, Messages> = { en, ar, ru, fa };
const RTL: ReadonlySet<Lang> = new Set<Lang>(["ar", "fa"]);
const STORAGE_KEY = "tansiq.lang";

let current: Lang = initialLang();

export function isLang(x: unknown): x is Lang {
  return typeof x === "string" && (LANGS as readonly string[]).includes(x);
}

function initialLang(): Lang {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (isLang(saved)) return saved;
  } catch {
    // storage disabled: fall through
  }
  const nav = (navigator.language || "en").slice(0, 2);
  return isLang(nav) ? nav : "en";
}

export function lang(): Lang {
  return current;
}

export function isRtl(l: Lang = current): boolean {
  return RTL.has(l);
}

/** Switches the UI language: <html lang/dir>, and remembered in this browser. */
export function setLang(l: Lang): void {
  current = l;
  document.documentElement.lang = l;
  document.documentElement.dir = isRtl(l) ? "rtl" : "ltr";
  document.title = t("app.title");
  try {
    localStorage.setItem(STORAGE_KEY, l);
  } catch {
    // storage disabled: the server-side preference still applies after login
  }
}

/** The message for `key` in the current language; {name} placeholders filled from `params`. */
export function t(key: Key, params?: Record<string, string | number>): string {
  let s = catalogs[current][key] ?? en[key] ?? key;
  if (params) {
    for (const [k, v] of Object.entries(params)) {
      s = s.split(`{${k}}`).join(typeof v === "number" ? fmtNumber(v) : v);
    }
  }
  return s;
}

/** The message for `key` with {name} placeholders filled by elements (e.g. a UserText), in the
 * message's order for the language: text parts as strings, placeholders as the given nodes. */
export function tParts<T>(key: Key, params: Record<string, T>): (string | T)[] {
  const s = catalogs[current][key] ?? en[key] ?? key;
  return s.split(/(\{\w+\})/).map((part) => {
    const m = /^\{(\w+)\}$/.exec(part);
    return m && m[1] in params ? params[m[1]] : part;
  }).filter((x) => x !== "");
}

export type PluralBase = { [K in Key]: K extends `${infer B}.other` ? B : never }[Key];

/** The plural form of `base` for `n` by the language's rules (Intl.PluralRules: "نتيجتان",
 * "5 результатов"); every locale has every CLDR form (zero one two few many other). */
export function tn(base: PluralBase, n: number, params?: Record<string, string | number>, shown?: string): string {
  const form = new Intl.PluralRules(current).select(n);
  const key = (`${base}.${form}` in catalogs[current] ? `${base}.${form}` : `${base}.other`) as Key;
  return t(key, { ...params, n: shown ?? n });
}

/** The message for a key built at run time (e.g. "type." + a STIX type), or null if none. */
export function tOpt(key: string): string | null {
  const s = (catalogs[current] as Record<string, string>)[key];
  return s ?? null;
}

/** The name of a language in that language (for the language picker). */
export function langName(l: Lang): string {
  return catalogs[l]["lang.self"];
}

/** The Intl locale of the UI language: Arabic-Indic digits for ar, Persian digits and the
 * solar hijri calendar for fa (src/calendar.ts). */
export function locale(): string {
  return intlLocale(current);
}

export function fmtNumber(n: number): string {
  return new Intl.NumberFormat(locale()).format(n);
}

export function fmtDate(iso: string | undefined | null): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locale(), { dateStyle: "medium", timeStyle: "short" }).format(d);
}

export function fmtDay(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locale(), { day: "numeric", month: "short" }).format(d);
}

export function fmtDateOnly(d: Date): string {
  return new Intl.DateTimeFormat(locale(), { dateStyle: "medium" }).format(d);
}

setLang(current);
