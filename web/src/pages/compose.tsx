// Compose: a report (POST /api/v1/reports: title, text, language, TLP, releasable to parties)
// and, optionally, a dissemination of it (POST /api/v1/messages: precedence, recipients).
// Refusals are shown as they come: a 422 names the recipients outside the releasability.
import type { JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { ApiError, get, post, type Session } from "../api";
import { LANGS, lang, langName, t, type Lang } from "../i18n";
import { href } from "../router";
import { TLPS, type Tlp } from "../stix";
import { ErrorBox, Section, TlpBadge } from "../ui";

export interface Party {
  id: string;
  name: string;
  identity?: string;
}
export const PRECEDENCES = ["flash", "immediate", "priority", "routine"] as const;

interface Outcome {
  report?: string;
  message?: string;
  error?: unknown;
  outside?: string[];
}

export function Compose({ session }: { session: Session }): JSX.Element {
  const [parties, setParties] = useState<Party[]>([]);
  const [partyError, setPartyError] = useState<unknown>(null);
  const [title, setTitle] = useState("");
  const [text, setText] = useState("");
  const [textLang, setTextLang] = useState<Lang>(lang());
  const [tlp, setTlp] = useState<Tlp>("amber");
  const [releasable, setReleasable] = useState<Set<string>>(new Set());
  const [send, setSend] = useState(false);
  const [precedence, setPrecedence] = useState<(typeof PRECEDENCES)[number]>("routine");
  const [toParties, setToParties] = useState<Set<string>>(new Set());
  const [toUsers, setToUsers] = useState("");
  const [redUsers, setRedUsers] = useState("");
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  // A report stored whose message was refused: sending again reuses it (no duplicate report)
  // as long as the report's fields are unchanged.
  const [stored, setStored] = useState<{ id: string; sig: string } | null>(null);

  useEffect(() => {
    get<Party[]>("/api/v1/parties").then(setParties, setPartyError);
  }, []);

  const toggle = (set: Set<string>, v: string, apply: (s: Set<string>) => void) => {
    const n = new Set(set);
    if (n.has(v)) n.delete(v);
    else n.add(v);
    apply(n);
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setOutcome(null);
    // Nothing ticked: released as the TLP allows. TLP:RED goes to named users only.
    const release: { releasable_to?: string[]; recipients?: string[] } = {};
    if (tlp === "red") release.recipients = names(redUsers);
    else if (releasable.size > 0) release.releasable_to = [...releasable];
    const draft = { title, text, lang: textLang, tlp, ...release };
    const sig = JSON.stringify(draft);
    let report: string | undefined = stored?.sig === sig ? stored.id : undefined;
    try {
      report ??= (await post<{ id: string }>("/api/v1/reports", draft)).id;
      setStored({ id: report, sig });
      if (send) {
        const m = await post<{ id: string }>("/api/v1/messages", {
          precedence,
          subject: title,
          body: text,
          lang: textLang,
          object_refs: [report],
          recipients: nonEmpty({ parties: [...toParties], users: names(toUsers) }),
          tlp,
          // Messages name parties by their identity ids.
          ...(release.releasable_to ? { releasable_to: release.releasable_to.map((c) => parties.find((p) => p.id === c)?.identity ?? c) } : {}),
        });
        setOutcome({ report, message: m.id });
      } else {
        setOutcome({ report });
      }
      // A fresh form for the next report: never carry a releasability over by accident.
      setStored(null);
      setTitle("");
      setText("");
      setReleasable(new Set());
      setRedUsers("");
      setSend(false);
      setPrecedence("routine");
      setToParties(new Set());
      setToUsers("");
    } catch (err) {
      setOutcome({ report, error: err, outside: err instanceof ApiError ? err.outside : [] });
    } finally {
      setBusy(false);
    }
  };

  const others = parties.filter((p) => p.id !== session.party);
  return (
    <div class="compose-page">
      <h1>{t("compose.title")}</h1>
      <ErrorBox error={partyError} />
      <form onSubmit={submit} id="compose-form" class="compose">
        <Section title={t("compose.report")}>
          <label>
            {t("compose.reportTitle")}
            <input id="compose-title" required dir="auto" value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
          </label>
          <label>
            {t("compose.text")}
            <textarea id="compose-text" required rows={8} dir="auto" value={text} onInput={(e) => setText(e.currentTarget.value)} />
          </label>
          <div class="row">
            <label>
              {t("compose.lang")}
              <select id="compose-lang" value={textLang} onChange={(e) => setTextLang(e.currentTarget.value as Lang)}>
                {LANGS.map((l) => (
                  <option key={l} value={l}>
                    {langName(l)}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t("compose.tlp")}
              <select id="compose-tlp" value={tlp} onChange={(e) => setTlp(e.currentTarget.value as Tlp)}>
                {TLPS.map((x) => (
                  <option key={x} value={x}>
                    TLP:{x.toUpperCase()}
                  </option>
                ))}
              </select>
            </label>
            <TlpBadge tlp={tlp} />
          </div>
          {tlp === "red" ? (
            <label>
              {t("compose.redRecipients")}
              <input id="compose-red-recipients" required dir="ltr" value={redUsers} onInput={(e) => setRedUsers(e.currentTarget.value)} />
            </label>
          ) : (
            <fieldset id="compose-releasable">
              <legend>{t("compose.releasableTo")}</legend>
              <p class="muted small">{t("compose.releasableHelp")}</p>
              {others.map((p) => (
                <label key={p.id} class="check">
                  <input type="checkbox" value={p.id} checked={releasable.has(p.id)} onChange={() => toggle(releasable, p.id, setReleasable)} />
                  <span dir="auto">{p.name}</span> <span class="muted">({p.id})</span>
                </label>
              ))}
            </fieldset>
          )}
        </Section>
        <Section title={t("compose.dissemination")}>
          <label class="check">
            <input type="checkbox" id="compose-send" checked={send} onChange={() => setSend(!send)} />
            {t("compose.send")}
          </label>
          {send && (
            <div class="dissem">
              <label>
                {t("compose.precedence")}
                <select id="compose-precedence" value={precedence} onChange={(e) => setPrecedence(e.currentTarget.value as typeof precedence)}>
                  {PRECEDENCES.map((p) => (
                    <option key={p} value={p}>
                      {t(`precedence.${p}`)}
                    </option>
                  ))}
                </select>
              </label>
              <fieldset id="compose-to-parties">
                <legend>{t("compose.toParties")}</legend>
                {parties.map((p) => (
                  <label key={p.id} class="check">
                    <input type="checkbox" value={p.id} checked={toParties.has(p.id)} onChange={() => toggle(toParties, p.id, setToParties)} />
                    <span dir="auto">{p.name}</span>
                  </label>
                ))}
              </fieldset>
              <label>
                {t("compose.toUsers")}
                <input id="compose-to-users" dir="ltr" value={toUsers} placeholder="iq-chief, ru-chief" onInput={(e) => setToUsers(e.currentTarget.value)} />
              </label>
            </div>
          )}
        </Section>
        <button type="submit" class="primary" disabled={busy} id="compose-submit">
          {send ? t("compose.submitAndSend") : t("compose.submit")}
        </button>
      </form>
      {outcome && <OutcomeBox o={outcome} />}
    </div>
  );
}

/** The entries of `o` whose lists are not empty. */
function nonEmpty(o: Record<string, string[]>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v.length > 0));
}

/** User names from a comma- (or Arabic comma-) or space-separated list. */
function names(s: string): string[] {
  return s
    .split(/[,،\s]+/)
    .map((x) => x.trim())
    .filter(Boolean);
}

function OutcomeBox({ o }: { o: Outcome }): JSX.Element {
  return (
    <div class="outcome" id="compose-outcome">
      {o.report && (
        <div class="alert alert-ok" role="status" id="compose-stored">
          {t("compose.stored")} <a href={href("object", o.report)}>{t("compose.open")}</a>
        </div>
      )}
      {o.message && (
        <div class="alert alert-ok" role="status" id="compose-sent">
          {t("compose.sent")}
        </div>
      )}
      {o.error !== undefined &&
        (o.outside && o.outside.length > 0 ? (
          <div class="alert alert-error refusal" role="alert" id="compose-refused">
            <strong>{t("compose.refused")}</strong>
            <p>{t("compose.outside")}</p>
            <ul>
              {o.outside.map((u) => (
                <li key={u}>{u}</li>
              ))}
            </ul>
          </div>
        ) : o.error instanceof ApiError && o.error.status === 422 ? (
          <div class="alert alert-error refusal" role="alert" id="compose-refused">
            <strong>{t("compose.refused")}</strong> <span dir="auto">{o.error.message}</span>
          </div>
        ) : (
          <ErrorBox error={o.error} />
        ))}
    </div>
  );
}
