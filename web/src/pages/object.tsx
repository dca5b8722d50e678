// Object: its fields (all as text), markings (TLP, releasability), versions (TAXII versions
// endpoint), related objects (/related) and a graph of links (/graph). The analysis endpoints
// may be missing on this server: those parts then say so, and the graph falls back to the
// object's own references.
import type { JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { ApiError, get, qs, taxii, type Session } from "../api";
import { ObjectActions } from "./object_actions";
import { LinkPicker } from "../link_picker";
import { coalition, loadObject, parties } from "../objects";
import { RefLink, langLabel, typeLabel } from "../names";
import { Reasons } from "../reasons";
import { fmtDate, fmtNumber, t, tOpt } from "../i18n";
import { href } from "../router";
import { RELEASABILITY_EXT, TLP_IDS, objectTitle, typeOf, type StixObject } from "../stix";
import { LinkGraph, type GraphEdge, type GraphNode } from "../graph";
import { ErrorBox, Loading, Section, TlpBadge, Unavailable } from "../ui";
import { UserText } from "../bidi";

const ID_RE = /^[a-z0-9-]+--[0-9a-fA-F-]{36}$/;
const HIDDEN = new Set(["type", "id", "spec_version", "object_marking_refs"]);
const VOCAB_FIELDS = new Set(["report_types", "identity_class", "indicator_types", "relationship_type", "pattern_type", "roles", "precedence", "lang", "sectors"]);

interface Related {
  related: { id: string; score?: number; reasons?: string[]; name?: string; type?: string }[];
}
interface Graph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

type Load<T> = { state: "loading" } | { state: "ok"; value: T } | { state: "unavailable" } | { state: "error"; error: unknown };

function useLoad<T>(fn: () => Promise<T>, deps: unknown[]): Load<T> {
  const [s, setS] = useState<Load<T>>({ state: "loading" });
  useEffect(() => {
    let live = true;
    // Read again (after an edit): the page stays while the new version loads.
    setS((prev) => (prev.state === "ok" ? prev : { state: "loading" }));
    fn()
      .then((value) => live && setS({ state: "ok", value }))
      .catch((error) => live && setS(error instanceof ApiError && error.unavailable ? { state: "unavailable" } : { state: "error", error }));
    return () => {
      live = false;
    };
  }, deps);
  return s;
}

/** The versions of an object through TAXII (the coalition collection), newest first. */
async function loadVersions(id: string): Promise<string[]> {
  const v = await taxii<{ versions?: string[] }>(`${await coalition()}objects/${encodeURIComponent(id)}/versions/`);
  return [...(v.versions ?? [])].reverse();
}

export function ObjectPage({ id, session }: { id: string; session: Session }): JSX.Element {
  // Bumped after an edit or a recall: the new version is read again.
  const [version, setVersion] = useState(0);
  const obj = useLoad(() => loadObject(id), [id, version]);
  const versions = useLoad(() => loadVersions(id), [id, version]);
  const related = useLoad(() => get<Related>(`/api/v1/objects/${encodeURIComponent(id)}/related`), [id, version]);
  const graph = useLoad(() => get<Graph>(`/api/v1/graph${qs({ id, depth: 2 })}`), [id, version]);

  if (obj.state === "loading") return <Loading />;
  if (obj.state === "unavailable") return <div class="alert alert-error" role="alert" id="object-missing">{t("object.notFound")}</div>;
  if (obj.state === "error") return <ErrorBox error={obj.error} />;
  const o = obj.value;

  return (
    <div class="object-page">
      <h1 id="object-title">
        <UserText s={objectTitle(o)} />
      </h1>
      <p class="muted small">
        <span class="badge">{typeLabel(o.type)}</span> <code class="id">{o.id}</code>
      </p>
      <ObjectActions o={o} session={session} onChanged={() => setVersion((v) => v + 1)} />
      {o.type !== "marking-definition" && <LinkPicker o={o} session={session} onLinked={() => setVersion((v) => v + 1)} />}
      <Section title={t("object.markings")} id="object-markings">
        <Markings o={o} key={String(o.modified)} />
      </Section>
      <Section title={t("object.fields")} id="object-fields">
        <Fields o={o} />
      </Section>
      <Section title={t("object.versions")} id="object-versions">
        {versions.state === "loading" && <Loading />}
        {versions.state === "unavailable" && <Unavailable what={t("object.versions")} />}
        {versions.state === "error" && <ErrorBox error={versions.error} />}
        {versions.state === "ok" && (
          <ol class="versions">
            {versions.value.map((v, i) => (
              <li key={v}>
                <time dateTime={v}>{fmtDate(v)}</time> {i === 0 && <span class="badge">{t("object.latest")}</span>}
              </li>
            ))}
          </ol>
        )}
      </Section>
      <Section title={t("object.related")} id="object-related">
        {related.state === "loading" && <Loading />}
        {related.state === "unavailable" && <Unavailable what={t("object.related")} />}
        {related.state === "error" && <ErrorBox error={related.error} />}
        {related.state === "ok" &&
          (related.value.related.length === 0 ? (
            <p class="empty">{t("object.noRelated")}</p>
          ) : (
            <ul class="related">
              {related.value.related.map((r) => (
                <li key={r.id}>
                  <RefLink id={r.id} name={r.name} />{" "}
                  <a class="compare-link small" href={href("compare", id, { with: r.id })}>
                    {t("compare.open")}
                  </a>
                  {r.score !== undefined && <span class="muted small"> {t("object.score", { score: fmtNumber(Math.round(r.score * 100) / 100) })}</span>}
                  {r.reasons && r.reasons.length > 0 && (
                    <span class="muted small">
                      {" — "}
                      <Reasons codes={r.reasons} />
                    </span>
                  )}
                </li>
              ))}
            </ul>
          ))}
      </Section>
      <Section title={t("object.graph")} id="object-graph">
        {graph.state === "loading" && <Loading />}
        {graph.state === "ok" && <LinkGraph focus={o.id} nodes={graph.value.nodes} edges={graph.value.edges} />}
        {(graph.state === "unavailable" || graph.state === "error") && (
          <>
            {graph.state === "unavailable" ? <Unavailable what={t("object.graph")} /> : <ErrorBox error={graph.error} />}
            <RefGraph o={o} />
          </>
        )}
      </Section>
    </div>
  );
}

/** Fallback graph: the object and the objects it references (already visibility-stripped). */
function RefGraph({ o }: { o: StixObject }): JSX.Element | null {
  const refs = refsOf(o).slice(0, 40);
  const [names, setNames] = useState<Record<string, string>>({});
  useEffect(() => {
    for (const r of refs) {
      loadObject(r).then(
        (x) => setNames((cur) => ({ ...cur, [r]: objectTitle(x) })),
        () => undefined,
      );
    }
  }, [o.id]);
  if (refs.length === 0) return null;
  const nodes: GraphNode[] = [{ id: o.id, type: o.type, name: objectTitle(o) }, ...refs.map((r) => ({ id: r, type: typeOf(r), name: names[r] ?? typeLabel(typeOf(r)) }))];
  const edges: GraphEdge[] = refs.map((r) => ({ source: o.id, target: r }));
  return (
    <>
      <p class="muted small">{t("object.refGraph")}</p>
      <LinkGraph focus={o.id} nodes={nodes} edges={edges} />
    </>
  );
}

function refsOf(o: StixObject): string[] {
  const out = new Set<string>();
  for (const [k, v] of Object.entries(o)) {
    if (k === "created_by_ref" || k === "object_marking_refs") continue;
    if (k.endsWith("_ref") && typeof v === "string") out.add(v);
    if (k.endsWith("_refs") && Array.isArray(v)) v.forEach((x) => typeof x === "string" && out.add(x));
  }
  return [...out];
}

type Releasability = { releasable_to_refs?: string[]; recipients?: string[] };

function releasabilityOf(o: StixObject): Releasability | undefined {
  return (o.extensions as Record<string, Releasability> | undefined)?.[RELEASABILITY_EXT];
}

/** TLP badges, and each Tansiq releasability marking resolved to party names and recipients. */
function Markings({ o }: { o: StixObject }): JSX.Element {
  const refs = Array.isArray(o.object_marking_refs) ? (o.object_marking_refs as string[]) : [];
  const tlps = refs.map((r) => TLP_IDS[r]).filter(Boolean);
  const others = refs.filter((r) => !TLP_IDS[r]);
  const [markings, setMarkings] = useState<Record<string, StixObject | null>>({});
  const [partyNames, setPartyNames] = useState<Record<string, string>>({});
  useEffect(() => {
    if (others.length === 0 && !releasabilityOf(o)) return;
    parties()
      .then((ps) => setPartyNames(Object.fromEntries(ps.filter((p) => p.identity).map((p) => [p.identity!, p.name]))))
      .catch(() => undefined);
    for (const r of others) {
      loadObject(r).then(
        (m) => setMarkings((cur) => ({ ...cur, [r]: m })),
        () => setMarkings((cur) => ({ ...cur, [r]: null })),
      );
    }
  }, [o.id]);
  const own = releasabilityOf(o);
  return (
    <div class="markings">
      {tlps.length === 0 && others.length === 0 && !own && <p class="muted">{t("object.unmarked")}</p>}
      {tlps.map((tlp) => (
        <TlpBadge key={tlp} tlp={tlp} />
      ))}
      {others.map((r) => {
        const rel = markings[r] ? releasabilityOf(markings[r]!) : undefined;
        return (
          <div key={r} class="marking" data-marking={r}>
            <p>
              {t("object.releasability")}:{" "}
              <RefLink id={r} />
            </p>
            {rel && <ReleasabilityText rel={rel} parties={partyNames} />}
          </div>
        );
      })}
      {own && <ReleasabilityText rel={own} parties={partyNames} />}
    </div>
  );
}

function ReleasabilityText({ rel, parties }: { rel: Releasability; parties: Record<string, string> }): JSX.Element {
  return (
    <>
      {rel.releasable_to_refs && rel.releasable_to_refs.length > 0 && (
        <p class="releasable-to">
          {t("object.releasableTo")}:{" "}
          {rel.releasable_to_refs.map((id) => (
            <span key={id} class="badge">
              <UserText s={parties[id] ?? id} />
            </span>
          ))}
        </p>
      )}
      {rel.recipients && rel.recipients.length > 0 && (
        <p class="recipients">
          {t("object.recipients")}:{" "}
          {rel.recipients.map((u) => (
            <span key={u} class="badge">
              <UserText s={u} />
            </span>
          ))}
        </p>
      )}
    </>
  );
}

function Value({ v, k }: { v: unknown; k: string }): JSX.Element {
  if (typeof v === "string") {
    if (ID_RE.test(v)) return <RefLink id={v} />;
    if (/^(created|modified|published|valid_from|valid_until|first_seen|last_seen|sent_at)$/.test(k)) return <time dateTime={v}>{fmtDate(v)}</time>;
    // STIX open vocabularies (and Tansiq's precedence names) in the UI's language.
    if (VOCAB_FIELDS.has(k)) {
      const word = tOpt(`vocab.${v}`) ?? (k === "precedence" ? tOpt(`precedence.${v}`) : null) ?? (k === "lang" ? langLabel(v) : null);
      if (word) return <span class="vocab" data-value={v}>{word}</span>;
    }
    return (
      <UserText class="text" s={v} />
    );
  }
  if (typeof v === "number") return <span>{fmtNumber(v)}</span>;
  if (typeof v === "boolean") return <span>{v ? t("common.yes") : t("common.no")}</span>;
  if (Array.isArray(v) && v.every((x) => typeof x === "string")) {
    return (
      <ul class="values">
        {(v as string[]).map((x, i) => (
          <li key={i}>
            <Value v={x} k={k} />
          </li>
        ))}
      </ul>
    );
  }
  return <pre class="json">{JSON.stringify(v, null, 2)}</pre>;
}

function Fields({ o }: { o: StixObject }): JSX.Element {
  const keys = Object.keys(o).filter((k) => !HIDDEN.has(k));
  return (
    <dl class="fields">
      {keys.map((k) => (
        <div key={k} class="field" data-field={k}>
          <dt>{tOpt(`field.${k}`) ?? k}</dt>
          <dd>
            <Value v={o[k]} k={k} />
          </dd>
        </div>
      ))}
    </dl>
  );
}
