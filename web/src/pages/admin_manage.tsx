// Administration that manages (hub-admin): add a party; add a user; change a user's roles,
// alternates (deputies escalated to), state, language and password. The server checks
// everything again (docs/api.md, Administration); a refusal shows its message and changes
// nothing. Party admins see the user table read-only (pages/admin.tsx).
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { api, post } from "../api";
import { LANGS, langName, t, tOpt } from "../i18n";
import { ErrorBox, Section } from "../ui";
import { UserText } from "../bidi";
import { PartyName, langLabel } from "../names";
import type { Party } from "../objects";

export const ROLES = ["officer", "analyst", "recipient", "admin", "hub-admin"] as const;

export interface ManagedUser {
  name: string;
  party: string;
  roles: string[];
  enabled?: boolean;
  lang?: string | null;
  alternates?: string[];
}

const roleLabel = (r: string) => tOpt(`role.${r}`) ?? r;

function RoleChecks({ id, value, onChange }: { id: string; value: string[]; onChange: (v: string[]) => void }): JSX.Element {
  return (
    <fieldset id={id} class="checks">
      <legend>{t("admin.roles")}</legend>
      {ROLES.map((r) => (
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
export function UserEditor({ user, users, onDone }: { user: ManagedUser; users: ManagedUser[]; onDone: (changed: boolean) => void }): JSX.Element {
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
      await api("PATCH", `/api/v1/admin/users/${user.name}`, body);
      onDone(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="user-editor" id="user-editor" onSubmit={save} aria-label={t("admin.editUser", { user: user.name })}>
      <RoleChecks id="edit-roles" value={roles} onChange={setRoles} />
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

export function AddUser({ parties, users, onAdded }: { parties: Party[]; users: ManagedUser[]; onAdded: (name: string) => void }): JSX.Element {
  const [name, setName] = useState("");
  const [party, setParty] = useState("");
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
          <option value="" />
          {parties.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
      </label>
      <RoleChecks id="add-user-roles" value={roles} onChange={setRoles} />
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

export function PartiesAdmin({ parties, onAdded }: { parties: Party[]; onAdded: () => void }): JSX.Element {
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
      onAdded();
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
          </tr>
        </thead>
        <tbody>
          {parties.map((p) => (
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
            </tr>
          ))}
        </tbody>
      </table>
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
              <input id={`add-party-name-${l}`} lang={l} dir={l === "ar" || l === "fa" ? "rtl" : "ltr"} value={names[l] ?? ""} onInput={(e) => setNames({ ...names, [l]: e.currentTarget.value })} />
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
