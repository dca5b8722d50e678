// Administration that manages: a hub-admin adds parties and renames them (their names per
// language); a hub-admin, or a party admin for their own party, adds users and changes their
// roles, alternates (deputies escalated to), state, language and password. A party admin is
// offered only the roles they may grant (PARTY_ADMIN_GRANTS) and their own party. The server
// checks everything again (docs/api.md, Administration); a refusal shows its message and
// changes nothing.
import type { JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { api, get, post } from "../api";
import { LANGS, langName, t, tOpt } from "../i18n";
import { ErrorBox, Section } from "../ui";
import { UserText } from "../bidi";
import { PartyName, langLabel } from "../names";
import type { Party } from "../objects";

export const ROLES = ["officer", "analyst", "recipient", "admin", "hub-admin"] as const;
/** The roles a party admin may grant (hub/manage.h kPartyAdminGrants): never hub-admin. */
export const PARTY_ADMIN_GRANTS: readonly string[] = ["officer", "analyst", "recipient", "admin"];

/** Whether a party admin may open `u` for editing: never a hub-admin's or a peer's account. */
export function partyAdminMayEdit(u: { roles: string[] }): boolean {
  return !u.roles.includes("hub-admin") && !u.roles.includes("peer");
}

export interface ManagedUser {
  name: string;
  party: string;
  roles: string[];
  enabled?: boolean;
  lang?: string | null;
  alternates?: string[];
}

const roleLabel = (r: string) => tOpt(`role.${r}`) ?? r;

function RoleChecks({ id, value, onChange, offered }: { id: string; value: string[]; onChange: (v: string[]) => void; offered: readonly string[] }): JSX.Element {
  return (
    <fieldset id={id} class="checks">
      <legend>{t("admin.roles")}</legend>
      {offered.map((r) => (
        <label key={r} class="check">
          <input type="checkbox" value={r} checked={value.includes(r)} onChange={(e) => onChange(e.currentTarget.checked ? [...value, r] : value.filter((x) => x !== r))} />
          {roleLabel(r)}
        </label>
      ))}
    </fieldset>
  );
}

/** Alternates: the other users, several may be chosen (a native multiple select: keyboard and
 * screen readers know it). */
function AlternatePick({ id, self, users, value, onChange }: { id: string; self: string; users: ManagedUser[]; value: string[]; onChange: (v: string[]) => void }): JSX.Element {
  return (
    <label>
      {t("admin.alternates")}
      <select id={id} multiple size={Math.min(6, Math.max(2, users.length - 1))} onChange={(e) => onChange([...e.currentTarget.selectedOptions].map((o) => o.value))}>
        {users
          .filter((u) => u.name !== self)
          .map((u) => (
            <option key={u.name} value={u.name} selected={value.includes(u.name)}>
              {u.name}
            </option>
          ))}
      </select>
      <span class="muted small">{t("admin.alternatesHelp")}</span>
    </label>
  );
}

function LangSelect({ id, value, onChange }: { id: string; value: string; onChange: (v: string) => void }): JSX.Element {
  return (
    <label>
      {t("admin.lang")}
      <select id={id} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
        <option value="">{t("admin.langNone")}</option>
        {LANGS.map((l) => (
          <option key={l} value={l}>
            {langName(l)}
          </option>
        ))}
      </select>
    </label>
  );
}

/** One user's editor (a row of the user table opened for editing). */
export function UserEditor({ user, users, offered, onDone }: { user: ManagedUser; users: ManagedUser[]; offered: readonly string[]; onDone: (changed: boolean) => void }): JSX.Element {
  const [roles, setRoles] = useState(user.roles);
  const [alternates, setAlternates] = useState(user.alternates ?? []);
  const [enabled, setEnabled] = useState(user.enabled !== false);
  const [lang, setLang] = useState(user.lang ?? "");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const save = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    const body: Record<string, unknown> = { roles, alternates, enabled, lang: lang || null };
    if (password) body.password = password;
    try {
      await api("PATCH", `/api/v1/admin/users/${encodeURIComponent(user.name)}`, body);
      onDone(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="user-editor" id="user-editor" onSubmit={save} aria-label={t("admin.editUser", { user: user.name })}>
      <RoleChecks id="edit-roles" value={roles} onChange={setRoles} offered={offered} />
      <AlternatePick id="edit-alternates" self={user.name} users={users} value={alternates} onChange={setAlternates} />
      <LangSelect id="edit-lang" value={lang} onChange={setLang} />
      <label class="check">
        <input type="checkbox" id="edit-enabled" checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} />
        {t("admin.enabled")}
      </label>
      <label>
        {t("admin.newPassword")}
        <input id="edit-password" type="password" autocomplete="new-password" minLength={8} value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        <span class="muted small">{t("admin.newPasswordHelp")}</span>
      </label>
      <ErrorBox error={error} />
      <div class="row">
        <button type="submit" class="primary" id="edit-save" disabled={busy}>
          {t("admin.save")}
        </button>
        <button type="button" id="edit-cancel" onClick={() => onDone(false)}>
          {t("common.cancel")}
        </button>
      </div>
    </form>
  );
}

export function AddUser({ parties, users, offered, onAdded }: { parties: Party[]; users: ManagedUser[]; offered: readonly string[]; onAdded: (name: string) => void }): JSX.Element {
  const [name, setName] = useState("");
  const [party, setParty] = useState(parties.length === 1 ? parties[0].id : "");
  const [roles, setRoles] = useState<string[]>(["officer"]);
  const [password, setPassword] = useState("");
  const [alternates, setAlternates] = useState<string[]>([]);
  const [lang, setLang] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const add = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const body: Record<string, unknown> = { name, party, roles, password, alternates };
      if (lang) body.lang = lang;
      await post("/api/v1/admin/users", body);
      onAdded(name);
      setName("");
      setPassword("");
      setAlternates([]);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form id="add-user" class="admin-form" onSubmit={add}>
      <h3>{t("admin.addUser")}</h3>
      <label>
        {t("admin.userName")}
        <input id="add-user-name" required dir="ltr" pattern="[A-Za-z0-9._@\-]{1,64}" value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <label>
        {t("admin.party")}
        <select id="add-user-party" required value={party} onChange={(e) => setParty(e.currentTarget.value)}>
          {parties.length !== 1 && <option value="" />}
          {parties.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
      </label>
      <RoleChecks id="add-user-roles" value={roles} onChange={setRoles} offered={offered} />
      <label>
        {t("admin.password")}
        <input id="add-user-password" type="password" autocomplete="new-password" required minLength={8} value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        <span class="muted small">{t("admin.passwordHelp")}</span>
      </label>
      <AlternatePick id="add-user-alternates" self={name} users={users} value={alternates} onChange={setAlternates} />
      <LangSelect id="add-user-lang" value={lang} onChange={setLang} />
      <ErrorBox error={error} />
      <button type="submit" class="primary" id="add-user-submit" disabled={busy}>
        {t("admin.addUser")}
      </button>
    </form>
  );
}

/** The display direction of an input for a language's name. */
const langDir = (l: string) => (l === "ar" || l === "fa" ? "rtl" : "ltr");

/**
 * A party's names opened for editing (a hub-admin): its display name and its name per UI
 * language. A language's name emptied is removed; only what changed is sent (PATCH
 * /api/v1/admin/parties/{code}). The code and the STIX identity are shown, never editable.
 */
export function PartyEditor({ code, onDone }: { code: string; onDone: (changed: boolean) => void }): JSX.Element {
  const [given, setGiven] = useState<Party | null>(null);
  const [name, setName] = useState("");
  const [names, setNames] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    let live = true;
    // Without `lang`: the name the party was given, and every language's.
    get<Party[]>("/api/v1/parties").then(
      (ps) => {
        const p = ps.find((x) => x.id === code);
        if (!live || !p) return;
        setGiven(p);
        setName(p.name);
        setNames({ ...(p.names ?? {}) });
      },
      (err) => live && setError(err),
    );
    return () => {
      live = false;
    };
  }, [code]);
  const save = async (e: Event) => {
    e.preventDefault();
    if (!given) return;
    setError(null);
    const body: { name?: string; names?: Record<string, string | null> } = {};
    if (name !== given.name) body.name = name;
    const change: Record<string, string | null> = {};
    for (const l of LANGS) {
      const was = given.names?.[l] ?? "";
      const now = (names[l] ?? "").trim() === "" ? "" : names[l];
      if (now !== was) change[l] = now === "" ? null : now;
    }
    if (Object.keys(change).length > 0) body.names = change;
    if (body.name === undefined && body.names === undefined) return onDone(false);
    setBusy(true);
    try {
      await api("PATCH", `/api/v1/admin/parties/${encodeURIComponent(code)}`, body);
      onDone(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="party-editor admin-form" id="party-editor" data-party={code} onSubmit={save} aria-label={t("admin.editParty", { party: code })}>
      <label>
        {t("admin.partyName")}
        <input id="edit-party-name" required dir="auto" value={name} disabled={!given} onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <fieldset id="edit-party-names" class="names">
        <legend>{t("admin.partyNamesEdit")}</legend>
        {LANGS.map((l) => (
          <label key={l}>
            {langLabel(l)}
            <input id={`edit-party-name-${l}`} lang={l} dir={langDir(l)} value={names[l] ?? ""} disabled={!given} onInput={(e) => setNames({ ...names, [l]: e.currentTarget.value })} />
          </label>
        ))}
      </fieldset>
      <p class="muted small">{t("admin.partyFixed")}</p>
      <ErrorBox error={error} />
      <div class="row">
        <button type="submit" class="primary" id="edit-party-save" disabled={busy || !given}>
          {t("admin.save")}
        </button>
        <button type="button" id="edit-party-cancel" onClick={() => onDone(false)}>
          {t("common.cancel")}
        </button>
      </div>
    </form>
  );
}

export function PartiesAdmin({ parties, onChanged }: { parties: Party[]; onChanged: () => void }): JSX.Element {
  const [editing, setEditing] = useState<string | null>(null);
  const [saved, setSaved] = useState("");
  const [code, setCode] = useState("");
  const [name, setName] = useState("");
  const [names, setNames] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [added, setAdded] = useState("");
  const [busy, setBusy] = useState(false);
  const add = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setAdded("");
    setBusy(true);
    try {
      const given = Object.fromEntries(Object.entries(names).filter(([, v]) => v.trim() !== ""));
      await post("/api/v1/admin/parties", { code, name, names: given });
      setAdded(name);
      setCode("");
      setName("");
      setNames({});
      onChanged();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Section title={t("admin.parties")} id="admin-parties">
      <table class="parties">
        <thead>
          <tr>
            <th>{t("admin.partyName")}</th>
            <th>{t("admin.partyCode")}</th>
            <th>{t("admin.identity")}</th>
            <th>{t("admin.actions")}</th>
          </tr>
        </thead>
        <tbody>
          {parties.map((p) => [
            <tr key={p.id} data-party={p.id}>
              <td>
                <PartyName code={p.id} list={parties} />
              </td>
              <td>
                <code>{p.id}</code>
              </td>
              <td>
                <code class="id small">{p.identity}</code>
              </td>
              <td>
                <button type="button" class="small edit-party" aria-expanded={editing === p.id} onClick={() => setEditing(editing === p.id ? null : p.id)}>
                  {t("admin.edit")}
                </button>
              </td>
            </tr>,
            editing === p.id && (
              <tr key={`${p.id}-edit`} class="editing">
                <td colSpan={4}>
                  <PartyEditor
                    code={p.id}
                    onDone={(changed) => {
                      setEditing(null);
                      if (changed) {
                        setSaved(p.id);
                        onChanged();
                      }
                    }}
                  />
                </td>
              </tr>
            ),
          ])}
        </tbody>
      </table>
      {saved && (
        <p class="alert alert-ok" role="status" id="party-saved">
          {t("admin.partySaved", { party: saved })}
        </p>
      )}
      <form id="add-party" class="admin-form" onSubmit={add}>
        <h3>{t("admin.addParty")}</h3>
        <label>
          {t("admin.partyCode")}
          <input id="add-party-code" required dir="ltr" pattern="[a-z0-9](?:[a-z0-9\-]{0,30}[a-z0-9])?" value={code} onInput={(e) => setCode(e.currentTarget.value)} />
          <span class="muted small">{t("admin.partyCodeHelp")}</span>
        </label>
        <label>
          {t("admin.partyName")}
          <input id="add-party-name" required dir="auto" value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <fieldset id="add-party-names" class="names">
          <legend>{t("admin.partyNames")}</legend>
          {LANGS.map((l) => (
            <label key={l}>
              {langLabel(l)}
              <input id={`add-party-name-${l}`} lang={l} dir={langDir(l)} value={names[l] ?? ""} onInput={(e) => setNames({ ...names, [l]: e.currentTarget.value })} />
            </label>
          ))}
        </fieldset>
        <ErrorBox error={error} />
        {added && (
          <p class="alert alert-ok" role="status" id="add-party-done">
            {t("admin.partyAdded")} <UserText s={added} />
          </p>
        )}
        <button type="submit" class="primary" id="add-party-submit" disabled={busy}>
          {t("admin.addParty")}
        </button>
      </form>
    </Section>
  );
}
