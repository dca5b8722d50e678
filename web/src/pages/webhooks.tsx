// Admin: webhooks (POST/GET/DELETE /api/v1/webhooks): the caller's own, and their party's when
// they are its admin; a new one's secret is shown once.
import type { JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { ApiError, del, get, post, type Session } from "../api";
import { fmtDate, t } from "../i18n";
import { ErrorBox, Section, Unavailable } from "../ui";

interface Webhook {
  id: string;
  url: string;
  scope: string;
  created?: string;
  party?: string;
  secret?: string;
}

export function Webhooks({ session }: { session: Session }): JSX.Element {
  const [list, setList] = useState<Webhook[] | null>(null);
  const [unavailable, setUnavailable] = useState(false);
  const [url, setUrl] = useState("");
  const [scope, setScope] = useState<"user" | "party">("user");
  const [secret, setSecret] = useState("");
  const [error, setError] = useState<unknown>(null);
  const admin = session.roles.includes("admin");

  const load = () =>
    get<{ webhooks: Webhook[] }>("/api/v1/webhooks").then(
      (r) => setList(r.webhooks ?? []),
      (e) => (e instanceof ApiError && e.unavailable ? setUnavailable(true) : setError(e)),
    );
  useEffect(() => {
    load();
  }, []);

  const add = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setSecret("");
    try {
      const w = await post<Webhook>("/api/v1/webhooks", { url, scope });
      setSecret(w.secret ?? "");
      setUrl("");
      load();
    } catch (err) {
      setError(err);
    }
  };
  const remove = async (id: string) => {
    try {
      await del(`/api/v1/webhooks/${encodeURIComponent(id)}`);
      load();
    } catch (err) {
      setError(err);
    }
  };

  if (unavailable) return <Unavailable what={t("admin.webhooks")} />;
  return (
    <Section title={t("admin.webhooks")} id="admin-webhooks">
      <form class="row" onSubmit={add}>
        <label class="grow">
          {t("admin.webhookUrl")}
          <input id="webhook-url" type="url" dir="ltr" required value={url} onInput={(e) => setUrl(e.currentTarget.value)} />
        </label>
        {admin && (
          <label>
            {t("admin.webhookScope")}
            <select id="webhook-scope" value={scope} onChange={(e) => setScope(e.currentTarget.value as "user" | "party")}>
              <option value="user">{t("admin.scope.user")}</option>
              <option value="party">{t("admin.scope.party")}</option>
            </select>
          </label>
        )}
        <button type="submit" class="primary" id="webhook-add">
          {t("admin.webhookAdd")}
        </button>
      </form>
      {secret && (
        <p class="alert alert-ok" role="status">
          {t("admin.webhookSecret")} <code id="webhook-secret">{secret}</code>
        </p>
      )}
      <ErrorBox error={error} />
      {list && list.length > 0 && (
        <table class="webhooks" id="webhook-list">
          <thead>
            <tr>
              <th>{t("admin.webhookUrl")}</th>
              <th>{t("admin.webhookScope")}</th>
              <th>{t("inbox.when")}</th>
              <th>
                <span class="sr-only">{t("object.delete")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.map((w) => (
              <tr key={w.id} data-id={w.id}>
                <td>
                  <bdi dir="ltr">{w.url}</bdi>
                </td>
                <td>{w.scope === "party" ? t("admin.scope.party") : t("admin.scope.user")}</td>
                <td>{fmtDate(w.created)}</td>
                <td>
                  <button type="button" class="danger webhook-delete" onClick={() => remove(w.id)}>
                    {t("object.delete")}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}
