// Inbox: messages for me (live over the stream, ordered by precedence then newest), one-click
// acknowledge; Sent: my messages with each recipient's delivery state, updated live.
import type { JSX } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, get, post, qs, type Session } from "../api";
import { fmtDate, fmtNumber, t, tOpt } from "../i18n";
import { href, type Route } from "../router";
import type { Frame, Stream, StreamState } from "../stream";
import { ErrorBox, Loading, Unavailable } from "../ui";
import { PRECEDENCES } from "./compose";
import { UserText } from "../bidi";
import { PartyName, RefLink, useParties } from "../names";

export interface MessageSummary {
  id: string;
  precedence: string;
  subject: string;
  sent_at?: string;
  from?: { party?: string; user?: string };
  state?: string;
  alternate_for?: string | null;
  recipients?: number | unknown;
  states?: Record<string, number>;
}
interface Recipient {
  user: string;
  party?: string;
  state: string;
  queued_at?: string;
  delivered_at?: string;
  read_at?: string;
  acknowledged_at?: string;
  escalated_at?: string;
  alternate_for?: string | null;
}
interface MessageDetail extends MessageSummary {
  body?: string;
  lang?: string;
  object_refs?: string[];
  tlp?: string;
  releasable_to?: string[];
  deliveries?: Recipient[];
}

export function precedenceRank(p: string): number {
  const i = (PRECEDENCES as readonly string[]).indexOf(p);
  return i < 0 ? PRECEDENCES.length : i;
}

export function sortMessages<T extends MessageSummary>(ms: T[]): T[] {
  return [...ms].sort((a, b) => precedenceRank(a.precedence) - precedenceRank(b.precedence) || (b.sent_at ?? "").localeCompare(a.sent_at ?? ""));
}

export function needsAck(m: MessageSummary): boolean {
  return (m.precedence === "flash" || m.precedence === "immediate") && m.state !== "acknowledged";
}

/** Delivery states in the order a line moves through them (escalated is beside acknowledged). */
const STATE_RANK: Record<string, number> = { queued: 0, delivered: 1, read: 2, escalated: 3, acknowledged: 4 };

/** The later of two delivery states: a stream notice never moves a line backwards. */
export function laterState(a: string | undefined, b: string): string {
  return a !== undefined && (STATE_RANK[a] ?? -1) > (STATE_RANK[b] ?? -1) ? a : b;
}

/** `{state: count}` of the recipients' lines after `seen` (recipient → state from notices). */
export function stateCounts(lines: { user: string; state: string }[], seen: Record<string, string> | undefined): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const l of lines) {
    const st = seen?.[l.user] ? laterState(l.state, seen[l.user]) : l.state;
    counts[st] = (counts[st] ?? 0) + 1;
  }
  return counts;
}

export async function acknowledge(id: string): Promise<void> {
  await post(`/api/v1/messages/${encodeURIComponent(id)}/ack`);
  window.dispatchEvent(new CustomEvent("tansiq:ack", { detail: id }));
}

export function Inbox({ session, route, stream, streamState }: { session: Session; route: Route; stream: Stream | null; streamState: StreamState }): JSX.Element {
  const box = route.params.get("box") === "sent" ? "sent" : "inbox";
  const [messages, setMessages] = useState<MessageSummary[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [unavailable, setUnavailable] = useState(false);
  const selected = route.arg;
  const partyList = useParties();

  // Sent: the recipient states seen in delivery notices, per message. A list or message read
  // may predate the notice that triggered it (or answer out of order), so the notices win.
  const seen = useRef<Record<string, Record<string, string>>>({});
  const loads = useRef(0);

  const load = () => {
    const n = ++loads.current;
    get<{ messages: MessageSummary[] }>(`/api/v1/messages${qs({ box, limit: 100 })}`)
      .then((r) => {
        if (n !== loads.current) return; // a later load is on its way
        setMessages(sortMessages(r.messages ?? []));
        setError(null);
      })
      .catch((e) => {
        if (e instanceof ApiError && e.unavailable) setUnavailable(true);
        else setError(e);
      });
  };

  useEffect(() => {
    setMessages(null);
    load();
  }, [box]);

  useEffect(() => {
    if (!stream) return;
    return stream.onFrame((f: Frame) => {
      if (f.kind === "message" && box === "inbox") {
        setMessages((ms) => {
          const list = ms ?? [];
          if (list.some((m) => m.id === f.id)) return list;
          return sortMessages([{ id: f.id, precedence: f.precedence, subject: f.subject, sent_at: f.sent_at, from: f.from, state: "delivered" }, ...list]);
        });
      }
      if (f.kind === "delivery" && box === "sent") {
        const mine = (seen.current[f.message_id] ??= {});
        mine[f.recipient] = laterState(mine[f.recipient], f.state);
        refreshSent(f.message_id);
      }
    });
  }, [stream, box]);

  // One sent message's counts, from its delivery lines merged with the notices seen.
  const refreshSent = (id: string) => {
    get<MessageDetail>(`/api/v1/messages/${encodeURIComponent(id)}`)
      .then((d) => {
        const states = stateCounts(d.deliveries ?? [], seen.current[id]);
        setMessages((ms) => {
          const list = ms ?? [];
          if (!list.some((m) => m.id === id)) {
            load();
            return list;
          }
          return list.map((m) => (m.id === id ? { ...m, states } : m));
        });
      })
      .catch(() => load());
  };

  // An acknowledgement made elsewhere (the FLASH banner, the message view) shows in the list.
  useEffect(() => {
    const onAck = (e: Event) => {
      const id = (e as CustomEvent<string>).detail;
      setMessages((ms) => ms && ms.map((m) => (m.id === id ? { ...m, state: "acknowledged" } : m)));
    };
    window.addEventListener("tansiq:ack", onAck);
    return () => window.removeEventListener("tansiq:ack", onAck);
  }, []);

  const ack = async (id: string) => {
    try {
      await acknowledge(id); // the tansiq:ack event updates the row
    } catch (e) {
      setError(e);
    }
  };

  return (
    <div class="inbox-page">
      <div class="inbox-head">
        <h1>{box === "sent" ? t("inbox.sent") : t("inbox.title")}</h1>
        <span class={`stream stream-${streamState}`} id="stream-state">
          {t(`stream.${streamState}`)}
        </span>
      </div>
      <div class="tabs" role="tablist">
        <a role="tab" href={href("inbox")} class={box === "inbox" ? "active" : ""} id="tab-inbox">
          {t("inbox.title")}
        </a>
        <a role="tab" href={href("inbox", undefined, { box: "sent" })} class={box === "sent" ? "active" : ""} id="tab-sent">
          {t("inbox.sent")}
        </a>
      </div>
      {unavailable ? (
        <Unavailable what={t("inbox.title")} />
      ) : (
        <div class={`inbox-layout${selected ? " with-view" : ""}`}>
          <div class="message-list">
            <ErrorBox error={error} />
            {messages === null && !error && <Loading />}
            {messages && messages.length === 0 && <p class="empty">{t("inbox.empty")}</p>}
            <ul class="messages" id="messages">
              {(messages ?? []).map((m) => (
                <li key={m.id} class={`message prec-${m.precedence}${m.id === selected ? " selected" : ""}${needsAck(m) ? " unacked" : ""}`} data-id={m.id} data-precedence={m.precedence} data-state={m.state ?? ""}>
                  <span class={`prec prec-${m.precedence}`}>{tOpt(`precedence.${m.precedence}`) ?? m.precedence}</span>
                  <a href={href("inbox", m.id, box === "sent" ? { box } : undefined)} class="subject">
                    <UserText s={m.subject} />
                  </a>
                  <span class="muted small">
                    {box === "inbox" && m.from?.user && <>
                        <UserText s={m.from.user} /> (<PartyName code={m.from.party} list={partyList} />) ·{" "}
                      </>}
                    {m.sent_at && <time dateTime={m.sent_at}>{fmtDate(m.sent_at)}</time>}
                  </span>
                  {m.alternate_for && (
                    <span class="badge deputy" data-deputy-for={m.alternate_for}>
                      {t("inbox.deputyFor", { user: m.alternate_for })}
                    </span>
                  )}
                  {m.state && <span class={`state state-${m.state}`}>{tOpt(`state.${m.state}`) ?? m.state}</span>}
                  {m.states &&
                    Object.entries(m.states).map(([st, n]) => (
                      <span key={st} class={`state state-${st}`} data-state-count={st}>
                        {tOpt(`state.${st}`) ?? st} {fmtNumber(n)}
                      </span>
                    ))}
                  {box === "inbox" && needsAck(m) && (
                    <button type="button" class="ack primary" onClick={() => ack(m.id)}>
                      {t("inbox.ack")}
                    </button>
                  )}
                </li>
              ))}
            </ul>
          </div>
          {selected && <MessageView id={selected} key={selected} session={session} stream={stream} onAck={ack} seen={box === "sent" ? seen.current[selected] : undefined} />}
        </div>
      )}
    </div>
  );
}

function MessageView({ id, session, stream, onAck, seen }: { id: string; session: Session; stream: Stream | null; onAck: (id: string) => Promise<void>; seen?: Record<string, string> }): JSX.Element {
  const [m, setM] = useState<MessageDetail | null>(null);
  const [error, setError] = useState<unknown>(null);
  const partyList = useParties();

  const load = () =>
    get<MessageDetail>(`/api/v1/messages/${encodeURIComponent(id)}`).then(
      (d) => {
        // Notices already seen win over a read that may predate them.
        const lines = (d.deliveries ?? []).map((r) => (seen?.[r.user] ? { ...r, state: laterState(r.state, seen[r.user]) } : r));
        setM({ ...d, deliveries: lines });
        return d;
      },
      (e) => {
        setError(e);
        return null;
      },
    );

  useEffect(() => {
    // Marked read only by a recipient: the sender's own message has no line of theirs.
    load().then((d) => {
      if (d && d.from?.user !== session.user && (d.deliveries === undefined || d.deliveries.some((r) => r.user === session.user))) {
        post(`/api/v1/messages/${encodeURIComponent(id)}/read`).catch(() => undefined);
      }
    });
  }, [id]);

  useEffect(() => {
    if (!stream) return;
    return stream.onFrame((f) => {
      if (f.kind === "delivery" && f.message_id === id) {
        setM((cur) => cur && { ...cur, deliveries: (cur.deliveries ?? []).map((r) => (r.user === f.recipient ? { ...r, state: laterState(r.state, f.state) } : r)) });
      }
    });
  }, [stream, id]);

  if (error) return <ErrorBox error={error} />;
  if (!m) return <Loading />;
  const mine = m.from?.user === session.user;
  const lines = m.deliveries ?? [];
  const myLine = lines.find((r) => r.user === session.user);
  return (
    <article class={`message-view prec-${m.precedence}`} id="message-view" data-id={m.id}>
      <h2>
        <UserText s={m.subject} />
      </h2>
      <p class="muted small">
        <span class={`prec prec-${m.precedence}`}>{tOpt(`precedence.${m.precedence}`) ?? m.precedence}</span> {m.from?.user && (
          <span class="from">
            {t("inbox.fromLabel")} <UserText s={m.from.user} /> (<PartyName code={m.from.party} list={partyList} />)
          </span>
        )} {m.sent_at && <time dateTime={m.sent_at}>{fmtDate(m.sent_at)}</time>}
      </p>
      <p class="body">
        <UserText s={m.body} lang={m.lang} />
      </p>
      {m.object_refs && m.object_refs.length > 0 && (
        <ul class="refs">
          {m.object_refs.map((r) => (
            <li key={r}>
              <RefLink id={r} />
            </li>
          ))}
        </ul>
      )}
      {!mine && myLine && (m.precedence === "flash" || m.precedence === "immediate") && myLine.state !== "acknowledged" && (
        <button type="button" class="primary ack" onClick={() => onAck(m.id).then(load)}>
          {t("inbox.ack")}
        </button>
      )}
      {mine && lines.length > 0 && (
        <table class="recipients" id="recipients">
          <caption>{t("inbox.deliveryState")}</caption>
          <thead>
            <tr>
              <th>{t("inbox.recipient")}</th>
              <th>{t("inbox.state")}</th>
              <th>{t("inbox.when")}</th>
            </tr>
          </thead>
          <tbody>
            {lines.map((r) => (
              <tr key={r.user} data-user={r.user} data-state={r.state}>
                <td dir="auto">
                  <UserText s={r.user} />{" "}
                  <span class="muted">
                    (<PartyName code={r.party} list={partyList} />)
                  </span>
                  {r.alternate_for && (
                    <span class="muted small deputy" data-deputy-for={r.alternate_for}>
                      {" "}
                      {t("inbox.deputyFor", { user: r.alternate_for })}
                    </span>
                  )}
                </td>
                <td>
                  <span class={`state state-${r.state}`}>{tOpt(`state.${r.state}`) ?? r.state}</span>
                </td>
                <td>{fmtDate(r.acknowledged_at ?? r.escalated_at ?? r.read_at ?? r.delivered_at ?? r.queued_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </article>
  );
}
