// Tokens (admin): the caller's API tokens and those of the users they administer (own party
// for an admin, everyone for a hub-admin) — label, scope, created, expiry, last use — with
// create (scope, expiry; the secret shown once) and revoke. REST: /api/v1/tokens.
import type { JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { del, get, post } from "../api";
import { fmtDate, t } from "../i18n";
import { ErrorBox, Loading, Section } from "../ui";

interface Token {
  id: string;
  user: string;
  party: string;
  label: string;
  scope: "full" | "read" | "metrics";
  created: string;
  expires: string | null;
  last_used: string | null;
}

const SCOPES = ["full", "read", "metrics"] as const;

export function Tokens(): JSX.Element {
  const [tokens, setTokens] = useState<Token[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [label, setLabel] = useState("");
  const [scope, setScope] = useState<Token["scope"]>("read");
  const [days, setDays] = useState("90");
  const [secret, setSecret] = useState("");

  const load = () =>
    get<{ tokens: Token[] }>("/api/v1/tokens?user=*").then(
      (r) => setTokens(r.tokens),
      (e) => setError(e),
    );
  useEffect(() => {
    void load();
  }, []);

  const create = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setSecret("");
    try {
      const body: Record<string, unknown> = { label, scope };
      if (days !== "") body.expires_days = Number(days);
      setSecret((await post<{ token: string }>("/api/v1/tokens", body)).token);
      setLabel("");
      await load();
    } catch (err) {
      setError(err);
    }
  };
  const revoke = async (id: string) => {
    setError(null);
    try {
      await del(`/api/v1/tokens/${encodeURIComponent(id)}`);
      await load();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <div class="tokens-page">
      <h1>{t("tokens.title")}</h1>
      <Section title={t("tokens.create")} id="tokens-create">
        <form onSubmit={create} class="row">
          <label>
            {t("admin.tokenName")}
            <input id="tokens-label" required maxLength={64} value={label} dir="auto" onInput={(e) => setLabel(e.currentTarget.value)} />
          </label>
          <label>
            {t("tokens.scope")}
            <select id="tokens-scope" value={scope} onChange={(e) => setScope(e.currentTarget.value as Token["scope"])}>
              {SCOPES.map((s) => (
                <option value={s} key={s}>
                  {t(`tokens.scope.${s}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t("tokens.expiresDays")}
            <input id="tokens-days" type="number" min={1} max={3650} value={days} onInput={(e) => setDays(e.currentTarget.value)} />
          </label>
          <button type="submit" class="primary" id="tokens-submit">
            {t("admin.createToken")}
          </button>
        </form>
        {secret && (
          <div class="alert alert-ok" role="status">
            <p>{t("admin.tokenOnce")}</p>
            <code class="token" id="tokens-secret">
              {secret}
            </code>
          </div>
        )}
      </Section>
      <ErrorBox error={error} />
      <Section title={t("admin.tokens")} id="tokens-list">
        {tokens === null && !error && <Loading />}
        {tokens !== null && (
          <table class="tokens">
            <thead>
              <tr>
                <th>{t("admin.user")}</th>
                <th>{t("admin.party")}</th>
                <th>{t("admin.tokenName")}</th>
                <th>{t("tokens.scope")}</th>
                <th>{t("tokens.created")}</th>
                <th>{t("tokens.expires")}</th>
                <th>{t("tokens.lastUsed")}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {tokens.map((tk) => (
                <tr key={tk.id} data-token={tk.id}>
                  <td dir="auto">{tk.user}</td>
                  <td>{tk.party}</td>
                  <td dir="auto">{tk.label}</td>
                  <td>{t(`tokens.scope.${tk.scope}`)}</td>
                  <td>{fmtDate(tk.created)}</td>
                  <td>{tk.expires ? fmtDate(tk.expires) : t("tokens.never")}</td>
                  <td>{tk.last_used ? fmtDate(tk.last_used) : t("tokens.never")}</td>
                  <td>
                    <button type="button" class="danger" onClick={() => void revoke(tk.id)}>
                      {t("tokens.revoke")}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
    </div>
  );
}
