// Safe rendering of server text. Stored STIX text is attacker-controlled: it is only ever
// rendered as text nodes. Search snippets arrive HTML-escaped with matches in <mark>…</mark>:
// exactly that one tag becomes markup, everything else is unescaped and rendered as text.
import type { JSX } from "preact";
import { BidiSafe } from "./bidi.js"; // .js: also compiled alone for the node tests

const ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
};

/** Undoes the server's HTML escaping (named entities above and numeric ones). */
export function unescapeHtml(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (m, body: string) => {
    if (body[0] === "#") {
      const code = body[1] === "x" || body[1] === "X" ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
    }
    return ENTITIES[body] ?? m;
  });
}

export interface SnippetPart {
  text: string;
  mark: boolean;
}

/** Splits an escaped snippet into text and <mark> parts (unbalanced tags count as text). */
export function parseSnippet(snippet: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  let rest = snippet;
  while (rest) {
    const open = rest.indexOf("<mark>");
    if (open < 0) break;
    const close = rest.indexOf("</mark>", open + 6);
    if (close < 0) break;
    if (open > 0) parts.push({ text: unescapeHtml(rest.slice(0, open)), mark: false });
    parts.push({ text: unescapeHtml(rest.slice(open + 6, close)), mark: true });
    rest = rest.slice(close + 7);
  }
  if (rest) parts.push({ text: unescapeHtml(rest), mark: false });
  return parts;
}

export function Snippet({ html }: { html: string }): JSX.Element {
  return (
    <bdi class="snippet" dir="auto">
      {parseSnippet(html).map((p, i) =>
        p.mark ? (
          <mark key={i}>
            <BidiSafe s={p.text} />
          </mark>
        ) : (
          <BidiSafe key={i} s={p.text} />
        ),
      )}
    </bdi>
  );
}
