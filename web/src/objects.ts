// Reading objects and the names the UI shows for ids: an object's latest visible version (REST,
// or TAXII where REST is not built), and cached look-ups of a party's name (in the reader's
// language, from /api/v1/parties) and an object's title, so ids are shown as names.
import { ApiError, get, taxii } from "./api";
import { lang } from "./i18n";
import { objectTitle, type StixObject } from "./stix";

let coalitionPath: Promise<string> | null = null;

/** The TAXII path of the shared collection (alias "coalition"). */
export function coalition(): Promise<string> {
  coalitionPath ??= taxii<{ collections?: { id: string; alias?: string }[] }>("/taxii2/hub/collections/").then((cols) => {
    const c = cols.collections?.find((x) => x.alias === "coalition") ?? cols.collections?.[0];
    if (!c) throw new ApiError(404, "no collection", null);
    return `/taxii2/hub/collections/${encodeURIComponent(c.id)}/`;
  });
  coalitionPath.catch(() => (coalitionPath = null));
  return coalitionPath;
}

/** The latest visible version: the REST endpoint, or TAXII where that is not built yet. */
export async function loadObject(id: string): Promise<StixObject> {
  try {
    return await get<StixObject>(`/api/v1/objects/${encodeURIComponent(id)}`);
  } catch (e) {
    if (!(e instanceof ApiError && (e.status === 404 || e.status === 405))) throw e;
    const env = await taxii<{ objects?: StixObject[] }>(`${await coalition()}objects/${encodeURIComponent(id)}/`);
    const o = env.objects?.[env.objects.length - 1];
    if (!o) throw new ApiError(404, "not found", null);
    return o;
  }
}

export interface Party {
  id: string;
  name: string;
  identity?: string;
  /** Its name per UI language, as the hub-admin gave them. */
  names?: Record<string, string>;
}

const partyLists = new Map<string, Promise<Party[]>>();

/** The parties, named in the UI's language (cached per language). */
export function parties(): Promise<Party[]> {
  const l = lang();
  let p = partyLists.get(l);
  if (!p) {
    p = get<Party[]>(`/api/v1/parties?lang=${encodeURIComponent(l)}`).catch(() => get<Party[]>("/api/v1/parties"));
    p.catch(() => partyLists.delete(l));
    partyLists.set(l, p);
  }
  return p;
}

/** Forgets the cached party lists (after a party was added or renamed). */
export function forgetParties(): void {
  partyLists.clear();
}

const titles = new Map<string, Promise<string | null>>();

/** What to call `id`: its party's name for a party identity, else the object's title; null
 * when the reader may not see it (the id is then shown as it is). */
export function nameOf(id: string): Promise<string | null> {
  let p = titles.get(`${lang()} ${id}`);
  if (!p) {
    p = parties().then(async (ps) => {
      const party = ps.find((x) => x.identity === id);
      if (party) return party.name;
      try {
        const o = await loadObject(id);
        return objectTitle(o) === o.id ? null : objectTitle(o);
      } catch {
        return null;
      }
    });
    titles.set(`${lang()} ${id}`, p);
  }
  return p;
}

/** A party's name from its code ("iq" → "العراق"), or the code while unknown. */
export function partyName(list: Party[] | null, code: string | undefined): string {
  if (!code) return "";
  return list?.find((p) => p.id === code)?.name ?? code;
}
