// Search: GET /api/v1/search with filters (type, party, lang, since, until) and paging; hits
// with highlighted snippets (only <mark> is markup), facets that narrow the query.
import type { JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { get, qs } from "../api";
import { fmtDate, fmtNumber, t, tn, tOpt } from "../i18n";
import { DateField } from "../date_field";
import { go, href, type Route } from "../router";
import { ErrorBox, Loading } from "../ui";
import { Snippet } from "../text";
import { UserText } from "../bidi";
import { PartyName, langLabel, typeLabel, useParties } from "../names";
import type { Party } from "../objects";

interface Hit {
  id: string;
  type: string;
  name?: string;
  score?: number;
  snippet?: string;
  created_by_ref?: string;
  modified?: string;
  lang?: string;
  party?: string;
}
interface Result {
  total: number;
  /** "gte": more visible matches exist than the hub counts (total is its bound). */
  total_relation?: "eq" | "gte";
  hits: Hit[];
  facets?: Record<string, Record<string, number>>;
}

const FILTERS = ["type", "party", "lang"] as const;
const PAGE = 20;
const MAX_OFFSET = 10000; // the API's largest offset

export function Search({ route }: { route: Route }): JSX.Element {
  const p = route.params;
  const q = p.get("q") ?? "";
  const offset = Number(p.get("offset") ?? "0") || 0;
  const [text, setText] = useState(q);
  const [since, setSince] = useState(p.get("since") ?? "");
  const [until, setUntil] = useState(p.get("until") ?? "");
  const [result, setResult] = useState<(Result & { key: string }) | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const key = p.toString();
  const partyList = useParties();

  useEffect(() => {
    setText(q);
    if (!q) {
      setResult(null);
      return;
    }
    let live = true;
    setBusy(true);
    setError(null);
    const params: Record<string, string | number> = { q, limit: PAGE, offset };
    for (const f of [...FILTERS, "since", "until"]) {
      const v = p.get(f);
      // A day picked as "To" counts whole (the server takes modified <= until).
      if (v) params[f] = f === "since" || f === "until" ? dayBound(v, f === "until") : v;
    }
    get<Result>(`/api/v1/search${qs(params)}`)
      .then((r) => live && setResult({ ...r, key }))
      .catch((e) => live && (setError(e), setResult(null)))
      .finally(() => live && setBusy(false));
    return () => {
      live = false;
    };
  }, [key]);

  const current = (): Record<string, string> => {
    const o: Record<string, string> = {};
    p.forEach((v, k) => (o[k] = v));
    delete o.offset;
    return o;
  };
  const submit = (e: Event) => {
    e.preventDefault();
    go("search", undefined, { ...current(), q: text, since, until });
  };
  const setFilter = (f: string, v: string) => go("search", undefined, { ...current(), [f]: v });

  return (
    <div class="search-page">
      <h1>{t("search.title")}</h1>
      <form class="search-form" onSubmit={submit} role="search">
        <input id="search-q" type="search" dir="auto" value={text} placeholder={t("search.placeholder")} aria-label={t("search.placeholder")} onInput={(e) => setText(e.currentTarget.value)} />
        <DateField id="search-since" label={t("search.since")} value={since} onChange={setSince} />
        <DateField id="search-until" label={t("search.until")} value={until} onChange={setUntil} />
        <button type="submit" class="primary" id="search-submit">
          {t("search.submit")}
        </button>
      </form>
      <p class="muted small">{t("search.syntax")}</p>
      <ErrorBox error={error} />
      {busy && <Loading />}
      {result && (
        <div class="search-layout">
          <aside class="facets" aria-label={t("search.facets")}>
            {FILTERS.map((f) => (
              <Facet key={f} partyList={partyList} name={f} counts={result.facets?.[f] ?? {}} active={p.get(f) ?? ""} onPick={(v) => setFilter(f, v)} />
            ))}
          </aside>
          <div class="results">
            <p class="total" id="search-total" data-query={result.key}>
              {tn("search.total", result.total, undefined, result.total_relation === "gte" ? `${fmtNumber(result.total)}+` : undefined)}
            </p>
            {result.hits.length === 0 && <p class="empty">{t("search.none")}</p>}
            <ol class="hits">
              {result.hits.map((h) => (
                <li key={h.id} class="hit" data-id={h.id}>
                  <a class="hit-name" href={href("object", h.id)}>
                    <UserText s={h.name || h.id} />
                  </a>
                  <div class="hit-meta small muted">
                    <span class="badge">{typeLabel(h.type)}</span> {h.party && (
                      <span class="badge party" data-party={h.party}>
                        <PartyName code={h.party} list={partyList} />
                      </span>
                    )} {h.lang && <span class="badge">{langLabel(h.lang)}</span>} {h.modified && <time dateTime={h.modified}>{fmtDate(h.modified)}</time>}
                  </div>
                  {h.snippet && (
                    <p class="hit-snippet">
                      <Snippet html={h.snippet} />
                    </p>
                  )}
                </li>
              ))}
            </ol>
            <div class="pager">
              {offset > 0 && (
                <a href={href("search", undefined, { ...current(), offset: String(Math.max(0, offset - PAGE)) })}>{t("common.previous")}</a>
              )}
              {(offset + PAGE < result.total || (result.total_relation === "gte" && result.hits.length === PAGE && offset + PAGE <= MAX_OFFSET)) && <a href={href("search", undefined, { ...current(), offset: String(offset + PAGE) })}>{t("common.next")}</a>}
            </div>
          </div>
        </div>
      )}
    </div>
  );
}

export { typeLabel };

function Facet({ name, counts, active, onPick, partyList }: { name: string; counts: Record<string, number>; active: string; onPick: (v: string) => void; partyList: Party[] | null }): JSX.Element | null {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  if (entries.length === 0 && !active) return null;
  return (
    <div class="facet" data-facet={name}>
      <h3>{tOpt(`search.facet.${name}`) ?? name}</h3>
      <ul>
        {active && (
          <li>
            <button type="button" class="link" onClick={() => onPick("")}>
              {t("search.clearFilter")}
            </button>
          </li>
        )}
        {entries.map(([v, n]) => (
          <li key={v}>
            <button type="button" class={`link${v === active ? " active" : ""}`} onClick={() => onPick(v)}>
              {name === "type" ? typeLabel(v) : name === "party" ? <PartyName code={v} list={partyList} /> : name === "lang" ? langLabel(v) : v} <span class="count">{fmtNumber(n)}</span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** A day (yyyy-mm-dd) as the timestamp of its start, or of its end for "until" (the server
 * takes modified <= until, so the chosen day counts whole); other values as they parse. */
function dayBound(v: string, end: boolean): string {
  const d = /^\d{4}-\d{2}-\d{2}$/.test(v) ? new Date(`${v}T${end ? "23:59:59.999" : "00:00:00.000"}Z`) : new Date(v);
  return Number.isNaN(d.getTime()) ? v : d.toISOString();
}
