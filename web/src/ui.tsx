// Small shared pieces: error and "not available" states, TLP badge, language picker.
import type { ComponentChildren, JSX } from "preact";
import { ApiError } from "./api";
import { LANGS, langName, t, type Lang } from "./i18n";

export function errorText(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.status === 0) return t("error.network");
    if (e.status === 401) return t("error.unauthorized");
    if (e.status === 403) return t("error.forbidden");
    if (e.status === 404) return t("error.notFound");
    if (e.status === 429) return t("error.throttled");
    return t("error.status", { status: e.status, message: e.message });
  }
  return String(e);
}

export function ErrorBox({ error }: { error: unknown }): JSX.Element | null {
  if (!error) return null;
  return (
    <div class="alert alert-error" role="alert">
      {errorText(error)}
    </div>
  );
}

export function Unavailable({ what }: { what: string }): JSX.Element {
  return (
    <div class="alert alert-muted unavailable" role="status">
      {t("common.unavailable", { what })}
    </div>
  );
}

export function Loading(): JSX.Element {
  return (
    <div class="loading" role="status">
      {t("common.loading")}
    </div>
  );
}

export function TlpBadge({ tlp }: { tlp: string }): JSX.Element {
  const cls = `tlp tlp-${tlp.replace("+", "-")}`;
  return <span class={cls}>TLP:{tlp.toUpperCase()}</span>;
}

export function LangPicker({ value, onChange, id }: { value: Lang; onChange: (l: Lang) => void; id?: string }): JSX.Element {
  return (
    <select id={id} class="lang-picker" value={value} aria-label={t("lang.choose")} onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value as Lang)}>
      {LANGS.map((l) => (
        <option key={l} value={l} lang={l}>
          {langName(l)}
        </option>
      ))}
    </select>
  );
}

export function Section({ title, children, id }: { title: string; children: ComponentChildren; id?: string }): JSX.Element {
  return (
    <section class="card" id={id}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}
