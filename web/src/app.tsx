// The app shell: session (cookie + CSRF token), language, navigation and the page for the
// current hash route. Without a session only the Login page is reachable.
import type { JSX } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, del, get, put, setCsrf, type Session } from "./api";
import { isLang, lang, setLang, t, tParts, type Key, type Lang } from "./i18n";
import { PartyName, useParties } from "./names";
import { href, parseRoute, type Route } from "./router";
import { LangPicker, Loading } from "./ui";
import { Stream, flashBeep, unlockAudio, type MessageFrame, type StreamState } from "./stream";
import { acknowledge } from "./pages/inbox";
import { Login } from "./pages/login";
import { Inbox } from "./pages/inbox";
import { Compose } from "./pages/compose";
import { Search } from "./pages/search";
import { ObjectPage } from "./pages/object";
import { Situation } from "./pages/situation";
import { Admin } from "./pages/admin";
import { Compare } from "./pages/compare";
import { UserText } from "./bidi";
import { Tokens } from "./pages/tokens";

const NAV: { page: string; key: Key; admin?: boolean; writer?: boolean }[] = [
  { page: "inbox", key: "nav.inbox" },
  { page: "compose", key: "nav.compose", writer: true },
  { page: "search", key: "nav.search" },
  { page: "situation", key: "nav.situation" },
  { page: "admin", key: "nav.admin", admin: true },
  { page: "tokens", key: "nav.tokens", admin: true },
];

function isAdmin(s: Session): boolean {
  return s.roles.includes("admin") || s.roles.includes("hub-admin");
}

/** May write reports and send messages (policy::CanWriteObjects: officer, analyst or admin). */
export function canWrite(s: Session): boolean {
  return s.roles.some((r) => r === "officer" || r === "analyst" || r === "admin");
}

export function App(): JSX.Element {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [route, setRoute] = useState<Route>(parseRoute());
  const [, setUiLang] = useState<Lang>(lang());
  const [stream, setStream] = useState<Stream | null>(null);
  const [streamState, setStreamState] = useState<StreamState>("connecting");
  const [flashes, setFlashes] = useState<(MessageFrame & { sound: boolean })[]>([]);
  const partyList = useParties(session ? session.user : null);

  const changeLang = (l: Lang, remember: boolean) => {
    setLang(l);
    setUiLang(l);
    if (remember) put("/api/v1/me/prefs", { lang: l }).catch(() => undefined);
  };

  const signedIn = (s: Session, chosen: Lang | null) => {
    setCsrf(s.csrf);
    setSession(s);
    if (chosen) changeLang(chosen, true); // chosen on the login page: remember it for the user
    else if (isLang(s.lang)) changeLang(s.lang, false);
    else put("/api/v1/me/prefs", { lang: lang() }).catch(() => undefined); // first login: keep this one
  };

  // Focus follows navigation: to the new page's heading (a screen reader announces it), but
  // not on the first render, and not while the same page only changes its query.
  const lastPage = useRef<string | null>(null);
  useEffect(() => {
    const key = `${route.page}/${route.arg}`;
    if (lastPage.current !== null && lastPage.current !== key && session) {
      const focusHeading = (tries: number) => {
        const h = document.querySelector<HTMLElement>("#main h1");
        if (h) {
          h.tabIndex = -1;
          h.focus({ preventScroll: false });
        } else if (tries > 0) setTimeout(() => focusHeading(tries - 1), 50);
      };
      focusHeading(20);
    }
    lastPage.current = key;
  }, [route.page, route.arg, !!session]);

  useEffect(() => {
    const onHash = () => setRoute(parseRoute());
    window.addEventListener("hashchange", onHash);
    // A session that survived a reload: the user's language from their prefs (the session
    // keeps the one it was opened with).
    // 204: no session (a fresh load is not an error, and logs none).
    get<Session | null>("/api/v1/session")
      .then(async (s) => {
        if (!s) {
          setSession(null);
          return;
        }
        const prefs = await get<{ lang?: string | null }>("/api/v1/me/prefs").catch(() => null);
        signedIn({ ...s, lang: prefs?.lang ?? s.lang }, null);
      })
      .catch(() => setSession(null));
    document.addEventListener("pointerdown", unlockAudio, { once: true });
    document.addEventListener("keydown", unlockAudio, { once: true });
    return () => window.removeEventListener("hashchange", onHash);
  }, []);

  // The live stream while signed in; FLASH messages raise the banner (and beep) on any page.
  useEffect(() => {
    if (!session) return;
    const s = new Stream();
    const offState = s.onState(setStreamState);
    const offFrame = s.onFrame((f) => {
      if (f.kind === "message" && f.precedence === "flash") {
        const sound = flashBeep();
        setFlashes((list) => (list.some((m) => m.id === f.id) ? list : [...list, { ...f, sound }]));
      }
    });
    const onAck = (e: Event) => setFlashes((list) => list.filter((m) => m.id !== (e as CustomEvent<string>).detail));
    window.addEventListener("tansiq:ack", onAck);
    s.start();
    setStream(s);
    return () => {
      offState();
      offFrame();
      window.removeEventListener("tansiq:ack", onAck);
      s.stop();
      setStream(null);
    };
  }, [session?.user]);

  const ackFlash = async (id: string) => {
    await acknowledge(id);
  };

  const logout = async () => {
    try {
      await del("/api/v1/session");
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
    }
    setCsrf("");
    setSession(null);
    location.hash = "#/inbox";
  };

  if (session === undefined) return <Loading />;
  if (session === null) {
    return <Login onSignedIn={signedIn} onLang={(l) => changeLang(l, false)} />;
  }

  const nav = NAV.filter((n) => (!n.admin || isAdmin(session)) && (!n.writer || canWrite(session)));
  return (
    <div class="shell">
      <a class="skip-link" href="#main" id="skip-link" onClick={(e) => {
        e.preventDefault();
        document.getElementById("main")?.focus();
      }}>
        {t("nav.skip")}
      </a>
      {/* FLASH first in the tab order: its Acknowledge is the second stop after the skip link. */}
      {flashes.map((f) => (
        <div key={f.id} class="flash-banner" role="alert" id={`flash-${f.id}`} data-id={f.id} data-sound={f.sound ? "played" : "blocked"}>
          <strong class="flash-label">{t("precedence.flash")}</strong>
          <span class="flash-subject">
            <UserText s={f.subject} />
          </span>
          {f.from?.user && (
            <span class="flash-from">
              {t("inbox.fromLabel")} <UserText s={f.from.user} /> (<PartyName code={f.from.party} list={partyList} />)
            </span>
          )}
          <button type="button" class="ack" onClick={() => ackFlash(f.id)}>
            {t("inbox.ack")}
          </button>
          <a href={href("inbox", f.id)}>{t("inbox.open")}</a>
        </div>
      ))}
      <header class="topbar">
        <a class="brand" href={href("inbox")}>
          {t("app.name")}
        </a>
        <nav class="nav" aria-label={t("nav.label")}>
          {nav.map((n) => (
            <a key={n.page} href={href(n.page)} class={route.page === n.page ? "active" : ""} data-page={n.page}>
              {t(n.key)}
            </a>
          ))}
        </nav>
        <div class="who">
          <span class="user" id="who-user" data-party={session.party}>
            {tParts("app.signedInAs", { user: <UserText s={session.user} />, party: <PartyName code={session.party} list={partyList} /> })}
          </span>
          <LangPicker value={lang()} onChange={(l) => changeLang(l, true)} id="ui-lang" />
          <button type="button" class="link" onClick={logout} id="logout">
            {t("nav.logout")}
          </button>
        </div>
      </header>
      <main class="page" id="main" tabIndex={-1}>
        <Page route={route} session={session} stream={stream} streamState={streamState} />
      </main>
    </div>
  );
}

function Page({ route, session, stream, streamState }: { route: Route; session: Session; stream: Stream | null; streamState: StreamState }): JSX.Element {
  switch (route.page) {
    case "compose":
      return canWrite(session) ? <Compose session={session} /> : <div class="alert alert-muted" role="status" id="compose-not-allowed">{t("compose.notAllowed")}</div>;
    case "search":
      return <Search route={route} />;
    case "object":
      return <ObjectPage id={route.arg} key={route.arg} session={session} />;
    case "situation":
      return <Situation />;
    case "compare":
      return <Compare a={route.arg} b={route.params.get("with") ?? ""} key={route.arg + route.params.toString()} />;
    case "admin":
      return <Admin session={session} />;
    case "tokens":
      return <Tokens />;
    case "inbox":
    default:
      return <Inbox session={session} route={route} stream={stream} streamState={streamState} />;
  }
}
