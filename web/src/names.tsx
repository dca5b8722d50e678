// Ids shown as names: a link to an object by its title (or its party's name) and type, and
// a party code shown as the party's name in the UI's language.
import type { JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { UserText } from "./bidi";
import { href } from "./router";
import { nameOf, parties, partyName, type Party } from "./objects";
import { typeOf } from "./stix";
import { lang, tOpt } from "./i18n";

export function typeLabel(type: string): string {
  return tOpt(`type.${type}`) ?? type;
}

/** A language code in the UI's language ("ar" → "العربية", "Arabic", "арабский"). */
export function langLabel(code: string): string {
  try {
    return new Intl.DisplayNames([lang()], { type: "language" }).of(code) ?? code;
  } catch {
    return code;
  }
}

/** The parties named in the UI's language (reloaded when the language changes); `session`
 * (the signed-in user, or null before login: nothing is asked then) reloads them per user,
 * `version` when it changes (after a party was added). */
export function useParties(session: string | null = "", version = 0): Party[] | null {
  const [list, setList] = useState<Party[] | null>(null);
  const l = lang();
  useEffect(() => {
    if (session === null) return;
    let live = true;
    parties().then(
      (ps) => live && setList(ps),
      () => live && setList([]),
    );
    return () => {
      live = false;
    };
  }, [l, session, version]);
  return list;
}

/** A link to the object `id`, named by its title and labelled with its type. */
export function RefLink({ id, name }: { id: string; name?: string }): JSX.Element {
  const [title, setTitle] = useState<string | null | undefined>(name);
  useEffect(() => {
    if (name) return;
    let live = true;
    nameOf(id).then((n) => live && setTitle(n));
    return () => {
      live = false;
    };
  }, [id, name]);
  return (
    <a href={href("object", id)} class="ref named" data-ref={id} title={id}>
      {title ? <UserText s={title} /> : <code class="id">{id}</code>} <span class="badge type">{typeLabel(typeOf(id))}</span>
    </a>
  );
}

/** A party code as its name. */
export function PartyName({ code, list }: { code: string | undefined; list: Party[] | null }): JSX.Element {
  return <UserText s={partyName(list, code)} />;
}
