// Admin: users (own party for admin, all for hub-admin), API tokens for the caller (shown
// once), and the audit chain's status (hub-admin). Managing (pages/admin_manage.tsx): a
// hub-admin adds and renames parties and manages every user; a party admin adds users to their
// own party and changes them (roles they may grant, alternates, state, language, password),
// never a hub-admin's account.
import type { JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { ApiError, get, post, type Session } from "../api";
import { fmtDate, fmtNumber, t, tOpt } from "../i18n";
import { ErrorBox, Loading, Section, Unavailable } from "../ui";
import { Webhooks } from "./webhooks";
import { PartyName, useParties } from "../names";
import type { Party } from "../objects";
import { forgetParties } from "../objects";
import { AddUser, PARTY_ADMIN_GRANTS, PartiesAdmin, ROLES, UserEditor, partyAdminMayEdit, type ManagedUser } from "./admin_manage";

interface User {
  name: string;
  party: string;
  roles: string[];
  enabled?: boolean;
  disabled?: boolean;
  lang?: string | null;
  alternates?: string[];
}
interface Audit {
  records: number;
  verified: boolean;
  seals?: number;
  problem?: string | null;
  last_seal?: string | { at?: string; seq?: number } | null;
}

type Load<T> = { state: "loading" } | { state: "ok"; value: T } | { state: "unavailable" } | { state: "error"; error: unknown };

function useGet<T>(path: string, version = 0): Load<T> {
  const [s, setS] = useState<Load<T>>({ state: "loading" });
  useEffect(() => {
    get<T>(path).then(
      (value) => setS({ state: "ok", value }),
      (error) => setS(error instanceof ApiError && error.unavailable ? { state: "unavailable" } : { state: "error", error }),
    );
  }, [path, version]);
  return s;
}

export function Admin({ session }: { session: Session }): JSX.Element {
  const [version, setVersion] = useState(0);
  const [partyVersion, setPartyVersion] = useState(0);
  const [notice, setNotice] = useState("");
  const users = useGet<User[] | { users: User[] }>("/api/v1/admin/users", version);
  const hubAdmin = session.roles.includes("hub-admin");
  const partyAdmin = !hubAdmin && session.roles.includes("admin");
  const partyList = useParties("", partyVersion);
  // What the caller manages: a hub-admin every user, any role; a party admin their party's.
  const manage = hubAdmin || partyAdmin;
  const offered = hubAdmin ? ROLES : PARTY_ADMIN_GRANTS;
  const addTo = partyList && (hubAdmin ? partyList : partyList.filter((p) => p.id === session.party));
  const list = users.state === "ok" ? (Array.isArray(users.value) ? users.value : (users.value.users ?? [])) : [];
  const changed = (msg: string) => {
    setNotice(msg);
    setVersion((v) => v + 1);
  };
  return (
    <div class="admin-page">
      <h1>{t("admin.title")}</h1>
      <Section title={t("admin.users")} id="admin-users">
        {users.state === "loading" && <Loading />}
        {users.state === "unavailable" && <Unavailable what={t("admin.users")} />}
        {users.state === "error" && <ErrorBox error={users.error} />}
        {notice && (
          <p class="alert alert-ok" role="status" id="admin-notice">
            {notice}
          </p>
        )}
        {users.state === "ok" && (
          <UserTable users={list} partyList={partyList} manage={manage} mayEdit={hubAdmin ? () => true : partyAdminMayEdit} offered={offered} onChanged={(name) => changed(t("admin.saved", { user: name }))} />
        )}
        {manage && users.state === "ok" && addTo && addTo.length > 0 && <AddUser parties={addTo} users={list} offered={offered} onAdded={(name) => changed(t("admin.userAdded", { user: name }))} />}
      </Section>
      {hubAdmin && partyList && (
        <PartiesAdmin
          parties={partyList}
          onChanged={() => {
            forgetParties();
            setPartyVersion((v) => v + 1);
          }}
        />
      )}
      <Tokens />
      <Webhooks session={session} />
      {hubAdmin && <AuditStatus />}
    </div>
  );
}

function UserTable({
  users,
  partyList,
  manage,
  mayEdit,
  offered,
  onChanged,
}: {
  users: User[];
  partyList: Party[] | null;
  manage: boolean;
  mayEdit: (u: User) => boolean;
  offered: readonly string[];
  onChanged: (name: string) => void;
}): JSX.Element {
  const [editing, setEditing] = useState<string | null>(null);
  const columns = manage ? 6 : 5;
  return (
    <table class="users">
      <thead>
        <tr>
          <th>{t("admin.user")}</th>
          <th>{t("admin.party")}</th>
          <th>{t("admin.roles")}</th>
          <th>{t("admin.alternates")}</th>
          <th>{t("admin.status")}</th>
          {manage && <th>{t("admin.actions")}</th>}
        </tr>
      </thead>
      <tbody>
        {users.map((u) => [
          <tr key={u.name} data-user={u.name}>
            <td dir="auto">{u.name}</td>
            <td>
              <PartyName code={u.party} list={partyList} />
            </td>
            <td class="roles">{u.roles.map((r) => tOpt(`role.${r}`) ?? r).join(t("common.listSep"))}</td>
            <td class="alternates" dir="auto">{(u.alternates ?? []).join(t("common.listSep"))}</td>
            <td class="user-state">
              <span class="state">{u.disabled || u.enabled === false ? t("admin.disabled") : t("admin.active")}</span>
            </td>
            {manage && (
              <td>
                {mayEdit(u) ? (
                  <button type="button" class="small edit-user" aria-expanded={editing === u.name} onClick={() => setEditing(editing === u.name ? null : u.name)}>
                    {t("admin.edit")}
                  </button>
                ) : (
                  <span class="muted small">{t("admin.hubAdminManages")}</span>
                )}
              </td>
            )}
          </tr>,
          manage && editing === u.name && (
            <tr key={`${u.name}-edit`} class="editing">
              <td colSpan={columns}>
                <UserEditor
                  user={u as ManagedUser}
                  users={users as ManagedUser[]}
                  offered={offered}
                  onDone={(changed) => {
                    setEditing(null);
                    if (changed) onChanged(u.name);
                  }}
                />
              </td>
            </tr>
          ),
        ])}
      </tbody>
    </table>
  );
}

function Tokens(): JSX.Element {
  const [name, setName] = useState("");
  const [token, setToken] = useState("");
  const [error, setError] = useState<unknown>(null);
  const create = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setToken("");
    try {
      setToken((await post<{ token: string }>("/api/v1/tokens", { name })).token);
      setName("");
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Section title={t("admin.tokens")} id="admin-tokens">
      <form onSubmit={create} class="row">
        <label>
          {t("admin.tokenName")}
          <input id="token-name" required value={name} dir="auto" onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <button type="submit" class="primary" id="token-create">
          {t("admin.createToken")}
        </button>
      </form>
      <ErrorBox error={error} />
      {token && (
        <div class="alert alert-ok" role="status">
          <p>{t("admin.tokenOnce")}</p>
          <code class="token" id="token-value">
            {token}
          </code>
        </div>
      )}
    </Section>
  );
}

function AuditStatus(): JSX.Element {
  const audit = useGet<Audit>("/api/v1/admin/audit");
  return (
    <Section title={t("admin.audit")} id="admin-audit">
      {audit.state === "loading" && <Loading />}
      {audit.state === "unavailable" && <Unavailable what={t("admin.audit")} />}
      {audit.state === "error" && <ErrorBox error={audit.error} />}
      {audit.state === "ok" && (
        <dl class="fields">
          <div class="field">
            <dt>{t("admin.auditRecords")}</dt>
            <dd>{fmtNumber(audit.value.records)}</dd>
          </div>
          <div class="field">
            <dt>{t("admin.auditChain")}</dt>
            <dd>
              <span class={audit.value.verified ? "state state-acknowledged" : "state state-escalated"} id="audit-verified">
                {audit.value.verified ? t("admin.verified") : t("admin.broken")}
              </span>
              {audit.value.problem && (
                <p class="alert alert-error" dir="auto">
                  {audit.value.problem}
                </p>
              )}
            </dd>
          </div>
          {audit.value.seals !== undefined && (
            <div class="field">
              <dt>{t("admin.seals")}</dt>
              <dd>{fmtNumber(audit.value.seals)}</dd>
            </div>
          )}
          <div class="field">
            <dt>{t("admin.lastSeal")}</dt>
            <dd>{sealText(audit.value.last_seal)}</dd>
          </div>
        </dl>
      )}
    </Section>
  );
}

function sealText(s: Audit["last_seal"]): string {
  if (!s) return t("admin.noSeal");
  if (typeof s === "string") return fmtDate(s);
  return [s.at ? fmtDate(s.at) : "", s.seq !== undefined ? `#${fmtNumber(s.seq)}` : ""].filter(Boolean).join(" ");
}
