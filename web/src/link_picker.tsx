// Linking objects: a search-as-you-type picker (GET /api/v1/search, debounced, a listbox
// driven by the arrow keys) and a relationship type; the link is a STIX relationship posted
// through TAXII, created by the reader's party and carrying the source object's markings.
import type { JSX } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { get, qs, taxiiPost, type Session } from "./api";
import { t, tOpt } from "./i18n";
import { coalition, parties } from "./objects";
import type { StixObject } from "./stix";
import { UserText } from "./bidi";
import { RefLink, typeLabel } from "./names";
import { ErrorBox } from "./ui";

const RELATIONSHIPS = ["related-to", "located-at", "attributed-to", "indicates", "mentions"] as const;

interface Hit {
  id: string;
  type: string;
  name?: string;
}

export function LinkPicker({ o, session, onLinked }: { o: StixObject; session: Session; onLinked: () => void }): JSX.Element | null {
  const [q, setQ] = useState("");
  const [hits, setHits] = useState<Hit[]>([]);
  const [active, setActive] = useState(0);
  const [target, setTarget] = useState<Hit | null>(null);
  const [kind, setKind] = useState<(typeof RELATIONSHIPS)[number]>("related-to");
  const [done, setDone] = useState<string[]>([]);
  const [error, setError] = useState<unknown>(null);
  const seq = useRef(0);

  useEffect(() => {
    if (q.trim().length < 2 || target) {
      setHits([]);
      return;
    }
    const n = ++seq.current;
    const timer = setTimeout(() => {
      get<{ hits: Hit[] }>(`/api/v1/search${qs({ q, limit: 8 })}`)
        .then((r) => n === seq.current && (setHits(r.hits.filter((h) => h.id !== o.id)), setActive(0)))
        .catch(() => n === seq.current && setHits([]));
    }, 200);
    return () => clearTimeout(timer);
  }, [q, target]);

  if (!session.roles.some((r) => r === "officer" || r === "analyst" || r === "admin")) return null;

  const pick = (h: Hit) => {
    setTarget(h);
    setQ(h.name || h.id);
    setHits([]);
  };
  const onKey = (e: KeyboardEvent) => {
    if (hits.length === 0) return;
    if (e.key === "ArrowDown") setActive((a) => (a + 1) % hits.length);
    else if (e.key === "ArrowUp") setActive((a) => (a - 1 + hits.length) % hits.length);
    else if (e.key === "Enter") pick(hits[active]);
    else return;
    e.preventDefault();
  };
  const link = async (e: Event) => {
    e.preventDefault();
    if (!target) return;
    setError(null);
    try {
      const mine = (await parties()).find((p) => p.id === session.party);
      const now = new Date().toISOString();
      const rel: Record<string, unknown> = {
        type: "relationship",
        spec_version: "2.1",
        id: `relationship--${crypto.randomUUID()}`,
        created: now,
        modified: now,
        relationship_type: kind,
        source_ref: o.id,
        target_ref: target.id,
        created_by_ref: mine?.identity,
      };
      if (Array.isArray(o.object_marking_refs)) rel.object_marking_refs = o.object_marking_refs;
      await taxiiPost(`${await coalition()}objects/`, [rel]);
      setDone((d) => [...d, target.id]);
      setTarget(null);
      setQ("");
      onLinked();
    } catch (err) {
      setError(err);
    }
  };
  const listId = "link-options";
  return (
    <section class="card" id="object-link">
      <h2>{t("link.title")}</h2>
      <form class="row link-form" onSubmit={link}>
        <label class="grow">
          {t("link.search")}
          <input
            id="link-q"
            type="search"
            dir="auto"
            role="combobox"
            aria-autocomplete="list"
            aria-expanded={hits.length > 0}
            aria-controls={listId}
            aria-activedescendant={hits.length ? `link-opt-${active}` : undefined}
            value={q}
            onInput={(e) => (setTarget(null), setQ(e.currentTarget.value))}
            onKeyDown={onKey}
          />
        </label>
        <label>
          {t("link.kind")}
          <select id="link-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value as typeof kind)}>
            {RELATIONSHIPS.map((r) => (
              <option key={r} value={r}>
                {tOpt(`rel.${r}`) ?? r}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" class="primary" id="link-submit" disabled={!target}>
          {t("link.submit")}
        </button>
      </form>
      {hits.length > 0 && (
        <ul class="link-options" id={listId} role="listbox" aria-label={t("link.search")}>
          {hits.map((h, i) => (
            <li key={h.id} id={`link-opt-${i}`} role="option" aria-selected={i === active} class={i === active ? "active" : ""} data-id={h.id} onMouseDown={(e) => (e.preventDefault(), pick(h))}>
              <UserText s={h.name || h.id} /> <span class="badge">{typeLabel(h.type)}</span>
            </li>
          ))}
        </ul>
      )}
      <ErrorBox error={error} />
      {done.length > 0 && (
        <ul class="linked" id="linked">
          {done.map((id) => (
            <li key={id}>
              {t("link.done")} <RefLink id={id} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
