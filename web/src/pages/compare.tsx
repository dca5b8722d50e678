// Correlation view (#/compare/<a>?with=<b>): why two objects are linked — the reasons in words
// (from /related), and the two side by side with the words they share highlighted (Arabic
// letters folded as search folds them: hamza forms, taa marbuta, alef maqsura, diacritics),
// and the names they write in different spellings or scripts (الخفاجي, Khafaji, Хафаджи: the
// server's name keys, /api/v1/objects/{a}/names?with=b) marked as the same name.
import type { JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { get } from "../api";
import { t } from "../i18n";
import { loadObject } from "../objects";
import { objectTitle, type StixObject } from "../stix";
import { BidiSafe, visibleBidi } from "../bidi";
import { RefLink } from "../names";
import { Reasons } from "../reasons";
import { ErrorBox, Loading } from "../ui";

/** A word folded for matching (case, Arabic letter variants and marks). */
export function fold(w: string): string {
  return w
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[\u064B-\u065F\u0670\u0640\u0300-\u036f]/g, "")
    .replace(/[أإآٱ]/g, "ا")
    .replace(/ة/g, "ه")
    .replace(/ى/g, "ي")
    .replace(/^ال(?=.{3,})/, "");
}

const WORD = /[\p{L}\p{N}]+/gu;

interface NameMatch {
  key: string;
  a: string[];
  b: string[];
}

function words(s: string): Set<string> {
  return new Set([...s.matchAll(WORD)].map((m) => fold(m[0])).filter((w) => w.length >= 3));
}

function textOf(o: StixObject): string {
  return [objectTitle(o), typeof o.description === "string" ? o.description : "", typeof o.content === "string" ? o.content : ""].join("\n");
}

/** `s` with the words found in `shared` marked, and those in `cross` (a folded word → how the
 * other side writes the same name) marked as the same name. */
function Highlighted({ s, shared, cross }: { s: string; shared: Set<string>; cross: Map<string, string[]> }): JSX.Element {
  const parts: JSX.Element[] = [];
  let last = 0;
  let i = 0;
  for (const m of s.matchAll(WORD)) {
    if (m.index! > last) parts.push(<BidiSafe key={i++} s={s.slice(last, m.index)} />);
    const f = fold(m[0]);
    const other = cross.get(f);
    parts.push(
      shared.has(f) ? (
        <mark key={i++}>{m[0]}</mark>
      ) : other ? (
        <mark key={i++} class="cross" title={t("compare.sameName", { names: other.map(visibleBidi).join(t("common.listSep")) })}>
          {visibleBidi(m[0])}
        </mark>
      ) : (
        <BidiSafe key={i++} s={m[0]} />
      ),
    );
    last = m.index! + m[0].length;
  }
  if (last < s.length) parts.push(<BidiSafe key={i++} s={s.slice(last)} />);
  return <>{parts}</>;
}

export function Compare({ a, b }: { a: string; b: string }): JSX.Element {
  const [objs, setObjs] = useState<[StixObject, StixObject] | null>(null);
  const [reasons, setReasons] = useState<string[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [names, setNames] = useState<NameMatch[]>([]);
  useEffect(() => {
    setNames([]);
    get<{ matches: NameMatch[] }>(`/api/v1/objects/${encodeURIComponent(a)}/names?with=${encodeURIComponent(b)}`)
      .then((r) => setNames(r.matches))
      .catch(() => undefined); // an older server: shared words only
    Promise.all([loadObject(a), loadObject(b)]).then((x) => setObjs(x as [StixObject, StixObject]), setError);
    get<{ related: { id: string; reasons?: string[] }[] }>(`/api/v1/objects/${encodeURIComponent(a)}/related`)
      .then((r) => setReasons(r.related.find((x) => x.id === b)?.reasons ?? []))
      .catch(() => undefined);
  }, [a, b]);
  if (error) return <ErrorBox error={error} />;
  if (!objs) return <Loading />;
  const [x, y] = objs;
  const wx = words(textOf(x));
  const shared = new Set([...words(textOf(y))].filter((w) => wx.has(w)));
  // Each side's spelling of a name, pointing at the other side's.
  const crossOf = (mine: "a" | "b") => {
    const m = new Map<string, string[]>();
    for (const n of names) for (const w of n[mine]) m.set(fold(w), n[mine === "a" ? "b" : "a"]);
    return m;
  };
  const cross = { [x.id]: crossOf("a"), [y.id]: crossOf("b") };
  return (
    <div class="compare-page">
      <h1>{t("compare.title")}</h1>
      <p id="compare-reasons">
        {reasons.length > 0 ? (
          <>
            {t("compare.why")} <Reasons codes={reasons} />
          </>
        ) : (
          t("compare.noReasons")
        )}
      </p>
      {names.length > 0 && (
        <p class="muted small" id="compare-names">
          {t("compare.crossLegend")}{" "}
          {names.map((n, i) => (
            <span key={n.key} class="cross-pair">
              {i > 0 && t("common.listSep")}
              <mark class="cross">{visibleBidi(n.a[0])}</mark> = <mark class="cross">{visibleBidi(n.b[0])}</mark>
            </span>
          ))}
        </p>
      )}
      <div class="compare">
        {[x, y].map((o) => (
          <article key={o.id} class="card compare-side" data-id={o.id}>
            <h2>
              <RefLink id={o.id} name={objectTitle(o)} />
            </h2>
            <p class="compare-text">
              <bdi dir="auto">
                <Highlighted s={textOf(o).split("\n").slice(1).join("\n").trim() || objectTitle(o)} shared={shared} cross={cross[o.id]} />
              </bdi>
            </p>
          </article>
        ))}
      </div>
    </div>
  );
}
