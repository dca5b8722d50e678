// Hash routes (#/search?q=…, #/object/<id>): the server serves one index.html at `/`, and a
// route never reaches it.
export interface Route {
  page: string;
  arg: string;
  params: URLSearchParams;
}

export function parseRoute(hash: string = location.hash): Route {
  const raw = hash.replace(/^#\/?/, "");
  const [path = "", query = ""] = raw.split("?", 2);
  const [page = "", ...rest] = path.split("/");
  return {
    page: page || "inbox",
    arg: rest.map((s) => decodeURIComponent(s)).join("/"),
    params: new URLSearchParams(query),
  };
}

export function href(page: string, arg?: string, params?: Record<string, string>): string {
  let h = `#/${page}`;
  if (arg) h += `/${encodeURIComponent(arg)}`;
  if (params) {
    const q = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== "")).toString();
    if (q) h += `?${q}`;
  }
  return h;
}

export function go(page: string, arg?: string, params?: Record<string, string>): void {
  location.hash = href(page, arg, params);
}
