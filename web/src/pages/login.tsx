// Login: user, password and the UI language. A language chosen here is remembered for the
// user on the server (PUT /api/v1/me/prefs); otherwise the user's remembered one applies.
import type { JSX } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, api, type Session } from "../api";
import { lang, t, type Lang } from "../i18n";
import { LangPicker, errorText } from "../ui";

export function Login({ onSignedIn, onLang }: { onSignedIn: (s: Session, chosen: Lang | null) => void; onLang: (l: Lang) => void }): JSX.Element {
  const [user, setUser] = useState("");
  const [password, setPassword] = useState("");
  const [chosen, setChosen] = useState<Lang | null>(null);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const userField = useRef<HTMLInputElement>(null);
  useEffect(() => userField.current?.focus(), []);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError("");
    try {
      const s = await api<Session>("POST", "/api/v1/session", { user, password });
      onSignedIn(s, chosen);
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? t("login.failed") : errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="login-page">
      <form class="card login" onSubmit={submit} id="login-form">
        <h1>{t("app.name")}</h1>
        <p class="muted">{t("login.subtitle")}</p>
        <label>
          {t("login.user")}
          <input ref={userField} name="user" id="login-user" autoComplete="username" required value={user} onInput={(e) => setUser(e.currentTarget.value)} dir="auto" />
        </label>
        <label>
          {t("login.password")}
          <input name="password" id="login-password" type="password" autoComplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        </label>
        <label>
          {t("lang.choose")}
          <LangPicker
            id="login-lang"
            value={chosen ?? lang()}
            onChange={(l) => {
              setChosen(l);
              onLang(l);
            }}
          />
        </label>
        {error && (
          <div class="alert alert-error" role="alert" id="login-error">
            {error}
          </div>
        )}
        <button type="submit" class="primary" disabled={busy} id="login-submit">
          {t("login.submit")}
        </button>
      </form>
    </main>
  );
}
