// Why two objects are linked, in words in the UI's language: the analysis API's reason codes
// (docs/api.md: group:, name:, value:, place:, near:, governorate:, time:±3d) become
// "same governorate: الأنبار · same group: داعش · within 3 days". Governorate names come from
// the situation API in the UI's language; other values are shown as they are, isolated.
import type { JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { get, qs } from "./api";
import { lang, t, tn, type Key } from "./i18n";
import { UserText } from "./bidi";
import { typeLabel } from "./names";

const placeNames = new Map<string, Promise<Record<string, string>>>();

/** Governorate id → name in the UI's language (the places the situation API knows of). */
function governorates(): Promise<Record<string, string>> {
  const l = lang();
  let p = placeNames.get(l);
  if (!p) {
    const from = new Date(Date.now() - 364 * 86_400_000).toISOString().slice(0, 10);
    p = get<{ places?: { key: string; name?: string }[] }>(`/api/v1/situation${qs({ from, bucket: "week", by: "place", lang: l })}`)
      .then((r) => Object.fromEntries((r.places ?? []).filter((x) => x.name).map((x) => [x.key, x.name!])))
      .catch(() => ({}));
    placeNames.set(l, p);
  }
  return p;
}

export interface ReasonWords {
  label: string;
  value?: string;
}

/** One reason code in words (value separate, to be isolated as user text). */
export function reasonWords(code: string, places: Record<string, string> = {}): ReasonWords {
  const i = code.indexOf(":");
  const kind = i < 0 ? code : code.slice(0, i);
  const value = i < 0 ? "" : code.slice(i + 1);
  if (kind === "time") {
    const days = Number(/(\d+)/.exec(value)?.[1] ?? "3");
    return { label: tn("reason.within", days) };
  }
  if (kind === "value") {
    const j = value.indexOf(":");
    return { label: t("reason.value", { type: typeLabel(j < 0 ? value : value.slice(0, j)) }), value: j < 0 ? "" : value.slice(j + 1) };
  }
  const key = `reason.${kind}` as Key;
  const label = ["group", "name", "place", "near", "governorate"].includes(kind) ? t(key) : kind;
  return { label, value: places[value] ?? value };
}

export function Reasons({ codes }: { codes: string[] }): JSX.Element {
  const [places, setPlaces] = useState<Record<string, string>>({});
  useEffect(() => {
    if (codes.some((c) => c.startsWith("governorate:") || c.startsWith("place:") || c.startsWith("near:"))) governorates().then(setPlaces);
  }, [codes.join()]);
  return (
    <span class="reasons">
      {codes.map((c, i) => {
        const w = reasonWords(c, places);
        return (
          <span key={c} class="reason" data-reason={c}>
            {i > 0 && " · "}
            {w.label}
            {w.value ? (
              <>
                {t("reason.sep")}
                <UserText s={w.value} />
              </>
            ) : null}
          </span>
        );
      })}
    </span>
  );
}
