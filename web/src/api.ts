// The one way the UI talks to `tansiq serve` (docs/api.md): same-origin fetch with the session
// cookie, X-CSRF-Token on every state-changing request, JSON in and out, errors as ApiError.

export interface Session {
  user: string;
  party: string;
  roles: string[];
  lang?: string;
  csrf: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: unknown,
  ) {
    super(message);
  }
  /** The endpoint is not there (yet): another branch builds it, or the server is older. */
  get unavailable(): boolean {
    return this.status === 404 || this.status === 405 || this.status === 501;
  }
  /** The `outside` list of a 422 refusal (recipients outside the releasability). */
  get outside(): string[] {
    const b = this.body as { outside?: unknown; error?: { outside?: unknown } } | null;
    const list = b?.outside ?? b?.error?.outside;
    return Array.isArray(list) ? list.map(String) : [];
  }
}

let csrf = "";

export function setCsrf(token: string): void {
  csrf = token;
}

const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export const TAXII = "application/taxii+json;version=2.1";

export async function api<T>(method: string, path: string, body?: unknown, accept = "application/json", contentType = "application/json"): Promise<T> {
  const headers: Record<string, string> = { Accept: accept };
  if (body !== undefined) headers["Content-Type"] = contentType;
  if (STATE_CHANGING.has(method) && csrf) headers["X-CSRF-Token"] = csrf;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
      cache: "no-store",
    });
  } catch (e) {
    throw new ApiError(0, String(e), null);
  }
  const text = await res.text();
  let data: unknown = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = text;
    }
  }
  if (!res.ok) {
    // {"error": {"code", "message"}} beside the TAXII error resource {title, description}.
    const e = data as { error?: { message?: string }; description?: string; title?: string } | null;
    const msg = e?.error?.message ?? e?.description ?? e?.title ?? (typeof data === "string" ? data : res.statusText);
    throw new ApiError(res.status, msg || String(res.status), data);
  }
  return data as T;
}

export const get = <T>(path: string) => api<T>("GET", path);
/** A TAXII 2.1 read (the session cookie authenticates TAXII too). */
export const taxii = <T>(path: string) => api<T>("GET", path, undefined, TAXII);
export const post = <T>(path: string, body?: unknown) => api<T>("POST", path, body ?? {});
/** TAXII 2.1 writes: an envelope of objects (new versions) and DELETE of an object. */
type TaxiiStatus = { id?: string; status?: string; failure_count?: number; failures?: { id?: string; message?: string }[] };

export async function taxiiPost(path: string, objects: unknown[]): Promise<void> {
  // The TAXII status resource: 202 even when objects were refused (failure_count, failures),
  // and "pending" until the write is done — then polled, so what follows reads the new version.
  let st = await api<TaxiiStatus>("POST", path, { objects }, TAXII, TAXII);
  const root = path.replace(/collections\/.*$/, "");
  for (let i = 0; st?.status === "pending" && st.id && i < 50; i++) {
    await new Promise((r) => setTimeout(r, 100));
    st = await api<TaxiiStatus>("GET", `${root}status/${encodeURIComponent(st.id)}/`, undefined, TAXII);
  }
  if (st?.failure_count) throw new ApiError(422, st.failures?.map((f) => f.message ?? f.id).join("; ") || "refused", st);
}
export const taxiiDelete = <T>(path: string) => api<T>("DELETE", path, undefined, TAXII);
export const put = <T>(path: string, body: unknown) => api<T>("PUT", path, body);
export const del = <T>(path: string) => api<T>("DELETE", path);

/** Query string from the non-empty entries of `params`. */
export function qs(params: Record<string, string | number | undefined | null>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== "") u.set(k, String(v));
  }
  const s = u.toString();
  return s ? `?${s}` : "";
}
