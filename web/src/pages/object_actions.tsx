// Working on an object the reader's party originated: edit (a new STIX version through TAXII,
// `modified` now), recall (narrow or withdraw its releasability: a new releasability marking
// and a new version naming it, after a preview of the parties and users that lose access) and delete
// (TAXII DELETE; the hub allows it to officers and admins of the originating party).
import type { JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { ApiError, get, taxiiDelete, taxiiPost, type Session } from "../api";
import { t, tn } from "../i18n";
import { coalition, loadObject, parties as loadParties, type Party } from "../objects";
import { RELEASABILITY_EXT, TLP_IDS, type StixObject } from "../stix";
import { UserText } from "../bidi";
import { ErrorBox } from "../ui";
import { go } from "../router";

type Releasability = { releasable_to_refs?: string[]; recipients?: string[] };
type Audience = { red: boolean; parties: { id: string; identity: string; users: string[] }[]; recipients: string[] };

export function releasabilityOf(o: StixObject): Releasability | undefined {
  return (o.extensions as Record<string, Releasability> | undefined)?.[RELEASABILITY_EXT];
}

function uuid(): string {
  return crypto.randomUUID();
}

/** A STIX timestamp strictly after `prev` (a new version must be newer than the last). */
function nowAfter(prev: unknown): string {
  let now = new Date();
  const p = typeof prev === "string" ? new Date(prev) : null;
  if (p && !Number.isNaN(p.getTime()) && now <= p) now = new Date(p.getTime() + 1);
  return now.toISOString();
}

export function ObjectActions({ o, session, onChanged }: { o: StixObject; session: Session; onChanged: () => void }): JSX.Element | null {
  const [parties, setParties] = useState<Party[]>([]);
  // The releasability markings the object names (id → definition).
  const [markings, setMarkings] = useState<Record<string, StixObject | null>>({});
  useEffect(() => {
    loadParties().then(setParties, () => undefined);
    const refs = Array.isArray(o.object_marking_refs) ? (o.object_marking_refs as string[]) : [];
    for (const r of refs.filter((x) => !TLP_IDS[x])) {
      loadObject(r).then(
        (m) => setMarkings((cur) => ({ ...cur, [r]: m })),
        () => setMarkings((cur) => ({ ...cur, [r]: null })),
      );
    }
  }, [o.id, o.modified]);
  const mine = parties.find((p) => p.id === session.party);
  const writer = session.roles.some((r) => r === "officer" || r === "admin");
  if (!mine || o.created_by_ref !== mine.identity || !writer || o.type === "marking-definition") return null;
  return (
    <section class="card" id="object-actions">
      <h2>{t("object.work")}</h2>
      <EditForm o={o} onChanged={onChanged} />
      <Recall o={o} mine={mine} parties={parties} markings={markings} onChanged={onChanged} />
      <Delete o={o} />
    </section>
  );
}

function EditForm({ o, onChanged }: { o: StixObject; onChanged: () => void }): JSX.Element {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState(typeof o.name === "string" ? o.name : "");
  const [description, setDescription] = useState(typeof o.description === "string" ? o.description : "");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const save = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const next: StixObject = { ...o, modified: nowAfter(o.modified) };
      if (name) next.name = name;
      if (description || typeof o.description === "string") next.description = description;
      await taxiiPost(`${await coalition()}objects/`, [next]);
      setOpen(false);
      onChanged();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  if (!open) {
    return (
      <button type="button" id="object-edit" onClick={() => setOpen(true)}>
        {t("object.edit")}
      </button>
    );
  }
  return (
    <form id="object-edit-form" class="edit" onSubmit={save}>
      <label>
        {t("field.name")}
        <input id="edit-name" dir="auto" value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <label>
        {t("field.description")}
        <textarea id="edit-description" dir="auto" rows={6} value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
      </label>
      <ErrorBox error={error} />
      <div class="row">
        <button type="submit" class="primary" disabled={busy} id="edit-save">
          {t("object.saveVersion")}
        </button>
        <button type="button" onClick={() => setOpen(false)}>
          {t("common.cancel")}
        </button>
      </div>
    </form>
  );
}

function Recall({ o, mine, parties, markings, onChanged }: { o: StixObject; mine: Party; parties: Party[]; markings: Record<string, StixObject | null>; onChanged: () => void }): JSX.Element | null {
  const refs = Array.isArray(o.object_marking_refs) ? (o.object_marking_refs as string[]) : [];
  const relRefs = refs.filter((r) => !TLP_IDS[r] && markings[r] && releasabilityOf(markings[r]!));
  const own = releasabilityOf(o);
  const current = new Set<string>([...(own?.releasable_to_refs ?? []), ...relRefs.flatMap((r) => releasabilityOf(markings[r]!)?.releasable_to_refs ?? [])]);
  current.delete(mine.identity!);
  const [keep, setKeep] = useState<Set<string> | null>(null);
  const [audience, setAudience] = useState<Audience | null>(null);
  useEffect(() => {
    setAudience(null);
    get<Audience>(`/api/v1/objects/${encodeURIComponent(o.id)}/audience`).then(setAudience, () => setAudience(null));
  }, [o.id, o.modified]);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  if (current.size === 0) return null;
  const kept = keep ?? current;
  const losing = [...current].filter((id) => !kept.has(id));
  const nameOf = (identity: string) => parties.find((p) => p.identity === identity)?.name ?? identity;
  // The users of each party who would lose access, when the server tells the originator
  // (GET /api/v1/objects/{id}/audience); null: not known (an older server).
  const usersOf = (identity: string): string[] | null => audience?.parties.find((p) => p.identity === identity)?.users ?? null;

  const apply = async () => {
    setBusy(true);
    setError(null);
    try {
      const now = nowAfter(o.modified);
      // Withdrawn from everyone: releasable to the originating party alone.
      const to = kept.size > 0 ? [...kept] : [mine.identity!];
      const marking = {
        type: "marking-definition",
        spec_version: "2.1",
        id: `marking-definition--${uuid()}`,
        created_by_ref: mine.identity,
        created: now,
        name: `recall: ${o.id}`,
        extensions: { [RELEASABILITY_EXT]: { extension_type: "property-extension", releasable_to_refs: to } },
      };
      const next: StixObject = { ...o, modified: now, object_marking_refs: [...refs.filter((r) => !relRefs.includes(r)), marking.id] };
      if (own) {
        const ext = { ...(next.extensions as Record<string, unknown>) };
        delete ext[RELEASABILITY_EXT];
        if (Object.keys(ext).length) next.extensions = ext;
        else delete next.extensions;
      }
      await taxiiPost(`${await coalition()}objects/`, [marking, next]);
      setConfirming(false);
      setKeep(null);
      onChanged();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <fieldset id="object-recall" class="recall">
      <legend>{t("object.recall")}</legend>
      <p class="muted small">{t("object.recallHelp")}</p>
      {[...current].map((id) => (
        <label key={id} class="check">
          <input
            type="checkbox"
            value={id}
            checked={kept.has(id)}
            onChange={() => {
              const n = new Set(kept);
              if (n.has(id)) n.delete(id);
              else n.add(id);
              setKeep(n);
              setConfirming(false);
            }}
          />
          <UserText s={nameOf(id)} />
        </label>
      ))}
      <div class="row">
        <button type="button" id="recall-withdraw" onClick={() => (setKeep(new Set()), setConfirming(false))}>
          {t("object.withdrawAll")}
        </button>
        <button type="button" class="primary" id="recall-preview" disabled={losing.length === 0} onClick={() => setConfirming(true)}>
          {t("object.recallPreview")}
        </button>
      </div>
      {confirming && losing.length > 0 && (
        <div class="alert alert-error" role="alert" id="recall-confirm">
          <p>{t("object.recallLose")}</p>
          <ul id="recall-losing">
            {losing.map((id) => (
              <li key={id} data-identity={id}>
                <UserText s={nameOf(id)} /> —{" "}
                {usersOf(id) === null ? (
                  t("object.recallAllUsers")
                ) : usersOf(id)!.length === 0 ? (
                  t("object.recallNoUsers")
                ) : (
                  <span class="recall-users">
                    {tn("object.recallUsers", usersOf(id)!.length)}{" "}
                    {usersOf(id)!.map((u, i) => (
                      <span key={u} class="recall-user" data-user={u}>
                        {i > 0 && t("common.listSep")}
                        <UserText s={u} />
                      </span>
                    ))}
                  </span>
                )}
              </li>
            ))}
          </ul>
          <button type="button" class="danger" id="recall-apply" disabled={busy} onClick={apply}>
            {t("object.recallConfirm")}
          </button>
        </div>
      )}
      <ErrorBox error={error} />
    </fieldset>
  );
}

function Delete({ o }: { o: StixObject }): JSX.Element {
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const remove = async () => {
    try {
      await taxiiDelete(`${await coalition()}objects/${encodeURIComponent(o.id)}/`);
      go("search");
    } catch (err) {
      setError(err instanceof ApiError && err.status === 403 ? t("object.deleteForbidden") : err);
    }
  };
  return (
    <div class="delete">
      {!confirming ? (
        <button type="button" class="danger" id="object-delete" onClick={() => setConfirming(true)}>
          {t("object.delete")}
        </button>
      ) : (
        <div class="alert alert-error" role="alert">
          <p>{t("object.deleteConfirmText")}</p>
          <button type="button" class="danger" id="object-delete-confirm" onClick={remove}>
            {t("object.deleteConfirm")}
          </button>{" "}
          <button type="button" onClick={() => setConfirming(false)}>
            {t("common.cancel")}
          </button>
        </div>
      )}
      {typeof error === "string" ? <div class="alert alert-error">{error}</div> : <ErrorBox error={error} />}
    </div>
  );
}
