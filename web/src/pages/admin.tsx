// Admin: users (own party for admin, all for hub-admin), API tokens for the caller (shown
// once), and the audit chain's status (hub-admin).
import type { JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { ApiError, get, post, type Session } from "../api";
import { fmtDate, fmtNumber, t, tOpt } from "../i18n";
import { ErrorBox, Loading, Section, Unavailable } from "../ui";
import { Webhooks } from "./webhooks";
import { PartyName, useParties } from "../names";

interface User {
  name: string;
  party: string;
  roles: string[];
  enabled?: boolean;
  disabled?: boolean;
  lang?: string | null;
}
interface Audit {
  records: number;
  verified: boolean;
  seals?: number;
  problem?: string | null;
  last_seal?: string | { at?: string; seq?: number } | null;
}

type Load<T> = { state: "loading" } | { state: "ok"; value: T } | { state: "unavailable" } | { state: "error"; error: unknown };

function useGet<T>(path: string): Load<T> {
  const [s, setS] = useState<Load<T>>({ state: "loading" });
  useEffect(() => {
    get<T>(path).then(
      (value) => setS({ state: "ok", value }),
      (error) => setS(error instanceof ApiError && error.unavailable ? { state: "unavailable" } : { state: "error", error }),
    );
  }, [path]);
  return s;
}

export function Admin({ session }: { session: Session }): JSX.Element {
  const users = useGet<User[] | { users: User[] }>("/api/v1/admin/users");
  const hubAdmin = session.roles.includes("hub-admin");
  return (
    <div class="admin-page">
      <h1>{t("admin.title")}</h1>
      <Section title={t("admin.users")} id="admin-users">
        {users.state === "loading" && <Loading />}
        {users.state === "unavailable" && <Unavailable what={t("admin.users")} />}
        {users.state === "error" && <ErrorBox error={users.error} />}
        {users.state === "ok" && <UserTable users={Array.isArray(users.value) ? users.value : (users.value.users ?? [])} />}
      </Section>
      <Tokens />
      <Webhooks session={session} />
      {hubAdmin && <AuditStatus />}
    </div>
  );
}

function UserTable({ users }: { users: User[] }): JSX.Element {
  const partyList = useParties();
  return (
    <table class="users">
      <thead>
        <tr>
          <th>{t("admin.user")}</th>
          <th>{t("admin.party")}</th>
          <th>{t("admin.roles")}</th>
          <th>{t("admin.status")}</th>
        </tr>
      </thead>
      <tbody>
        {users.map((u) => (
          <tr key={u.name} data-user={u.name}>
            <td dir="auto">{u.name}</td>
            <td>
              <PartyName code={u.party} list={partyList} />
            </td>
            <td>{u.roles.map((r) => tOpt(`role.${r}`) ?? r).join(t("common.listSep"))}</td>
            <td>{u.disabled || u.enabled === false ? t("admin.disabled") : t("admin.active")}</td>
          </tr>
        ))}
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
