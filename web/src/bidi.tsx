// Bidirectional-text safety for stored (attacker-controlled) text. Explicit embedding,
// override and isolate controls (U+202A–U+202E, U+2066–U+2069) can make "fdp.exe" read as
// "exe.pdf", and an unclosed override reverses everything after it. Every string from a STIX
// object or a message is shown through `UserText` (or `visibleBidi` where only a plain string
// fits: SVG labels, attributes): isolated in its own <bdi dir="auto">, with each control
// replaced by a visible mark naming it, so it changes no order and the reader sees it is there.
import type { JSX } from "preact";

const NAMES: Record<string, string> = {
  "\u202A": "LRE",
  "\u202B": "RLE",
  "\u202C": "PDF",
  "\u202D": "LRO",
  "\u202E": "RLO",
  "\u2066": "LRI",
  "\u2067": "RLI",
  "\u2068": "FSI",
  "\u2069": "PDI",
};

const CONTROL = "[\u202A-\u202E\u2066-\u2069]";
const ANY_CONTROL = new RegExp(CONTROL); // not global: test() keeps no state between calls

export function hasBidiControls(s: string): boolean {
  return ANY_CONTROL.test(s);
}

/** `s` with each bidi control replaced by a visible, order-neutral mark: "[RLO]". */
export function visibleBidi(s: string): string {
  return s.replace(new RegExp(CONTROL, "g"), (c) => `[${NAMES[c]}]`);
}

/** Text and control parts of `s` (controls named, e.g. "RLO"). */
export function bidiParts(s: string): { text: string; control: boolean; code?: string }[] {
  const out: { text: string; control: boolean; code?: string }[] = [];
  let last = 0;
  for (const m of s.matchAll(new RegExp(CONTROL, "g"))) {
    if (m.index! > last) out.push({ text: s.slice(last, m.index), control: false });
    out.push({ text: NAMES[m[0]], control: true, code: `U+${m[0].codePointAt(0)!.toString(16).toUpperCase()}` });
    last = m.index! + m[0].length;
  }
  if (last < s.length) out.push({ text: s.slice(last), control: false });
  return out;
}

/** The children of a user string: plain text, and each control as a visible badge. */
export function BidiSafe({ s }: { s: string }): JSX.Element {
  if (!hasBidiControls(s)) return <>{s}</>;
  return (
    <>
      {bidiParts(s).map((p, i) =>
        p.control ? (
          <span key={i} class="bidi-control" title={p.code}>
            {p.text}
          </span>
        ) : (
          p.text
        ),
      )}
    </>
  );
}

/** A user-supplied string, isolated from its surroundings and with its controls visible. */
export function UserText({ s, class: cls, lang }: { s: string | undefined | null; class?: string; lang?: string }): JSX.Element {
  return (
    <bdi dir="auto" class={cls} lang={lang}>
      <BidiSafe s={s ?? ""} />
    </bdi>
  );
}
