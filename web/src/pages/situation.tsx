// Situation: an offline map of Iraq, Syria and their neighbours (world-atlas Natural Earth
// shapes, d3-geo), counts per governorate/place for the chosen window, a time slider and a
// trend chart, from GET /api/v1/situation (computed per reader over what they may see).
import type { JSX } from "preact";
import { useEffect, useMemo, useState } from "preact/hooks";
import { geoMercator, geoPath, geoBounds } from "d3-geo";
import { feature } from "topojson-client";
import type { Feature, FeatureCollection, Geometry } from "geojson";
import type { Topology, GeometryCollection } from "topojson-specification";
import { ApiError, get, qs } from "../api";
import { fmtDateOnly, fmtDay, fmtNumber, isRtl, lang, t, tn } from "../i18n";
import { ErrorBox, Loading, Section, Unavailable } from "../ui";
import { UserText, visibleBidi } from "../bidi";

interface Cell {
  key: string;
  bucket: string;
  count: number;
}
interface Place {
  key: string;
  name?: string;
  lat?: number;
  lon?: number;
  count: number;
}
interface SituationResult {
  total: number;
  cells: Cell[];
  places: Place[];
  trends?: unknown[];
}

// ISO 3166 numeric (world-atlas ids) → alpha-2, for the countries labelled on the map.
const REGION: Record<string, string> = {
  "368": "IQ",
  "760": "SY",
  "792": "TR",
  "364": "IR",
  "400": "JO",
  "682": "SA",
  "414": "KW",
  "422": "LB",
  "376": "IL",
  "275": "PS",
};
const FOCUS = new Set(["368", "760"]);
const W = 720;
const H = 520;
const DAYS = 60;
const DAY_MS = 86_400_000;

function dayKey(d: Date): string {
  return d.toISOString().slice(0, 10);
}

let worldCache: Promise<Feature<Geometry, { name: string }>[]> | null = null;

/** Countries of the region from the bundled Natural Earth 1:50m shapes (a lazily loaded chunk). */
function loadWorld(): Promise<Feature<Geometry, { name: string }>[]> {
  worldCache ??= import("world-atlas/countries-50m.json").then((m) => {
    const topo = (m.default ?? m) as unknown as Topology<{ countries: GeometryCollection<{ name: string }> }>;
    const fc = feature(topo, topo.objects.countries) as FeatureCollection<Geometry, { name: string }>;
    return fc.features.filter((f) => {
      const [[x0, y0], [x1, y1]] = geoBounds(f);
      return x1 > 28 && x0 < 56 && y1 > 25 && y0 < 43;
    });
  });
  return worldCache;
}

export function Situation(): JSX.Element {
  const [world, setWorld] = useState<Feature<Geometry, { name: string }>[] | null>(null);
  const [data, setData] = useState<SituationResult | null>(null);
  const [state, setState] = useState<"loading" | "ok" | "unavailable" | "error">("loading");
  const [error, setError] = useState<unknown>(null);
  const [windowDays, setWindowDays] = useState(30);
  const [end, setEnd] = useState(DAYS); // slider: days since the start of the range
  const start = useMemo(() => new Date(Date.now() - DAYS * DAY_MS), []);

  useEffect(() => {
    loadWorld().then(setWorld, setError);
    get<SituationResult>(`/api/v1/situation${qs({ from: start.toISOString(), to: new Date().toISOString(), bucket: "day", by: "place", lang: lang() })}`)
      .then((r) => {
        setData(r);
        setState("ok");
      })
      .catch((e) => {
        if (e instanceof ApiError && e.unavailable) setState("unavailable");
        else {
          setError(e);
          setState("error");
        }
      });
  }, [lang()]);

  const endDate = new Date(start.getTime() + end * DAY_MS);
  const fromDate = new Date(endDate.getTime() - windowDays * DAY_MS);
  const counts = useMemo(() => placeCounts(data, dayKey(fromDate), dayKey(endDate)), [data, end, windowDays]);
  const trend = useMemo(() => dailyTotals(data, start), [data]);

  return (
    <div class="situation-page">
      <h1>{t("situation.title")}</h1>
      {state === "unavailable" && <Unavailable what={t("situation.title")} />}
      <ErrorBox error={error} />
      <div class="controls">
        <label>
          {t("situation.until", { date: fmtDateOnly(endDate) })}
          <input type="range" id="situation-slider" min={1} max={DAYS} value={end} onInput={(e) => setEnd(Number(e.currentTarget.value))} />
        </label>
        <label>
          {t("situation.window")}
          <select id="situation-window" value={windowDays} onChange={(e) => setWindowDays(Number(e.currentTarget.value))}>
            {[1, 7, 30, 60].map((d) => (
              <option key={d} value={d}>
                {tn("situation.days", d)}
              </option>
            ))}
          </select>
        </label>
        {state === "ok" && data && (
          <span class="muted" id="situation-total">
            {tn("situation.total", data.total)}
          </span>
        )}
      </div>
      <div class="situation-layout">
        {world ? <RegionMap world={world} places={counts} /> : <Loading />}
        <Section title={t("situation.places")} id="situation-places">
          {state === "loading" && <Loading />}
          {state === "ok" && counts.length === 0 && <p class="empty">{t("situation.noData")}</p>}
          <table class="counts">
            <tbody>
              {counts.map((p) => (
                <tr key={p.key}>
                  <td>
                    <UserText s={p.name || p.key} />
                  </td>
                  <td class="num">{fmtNumber(p.count)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Section>
      </div>
      <Section title={t("situation.trend")} id="situation-trend">
        {state === "ok" ? <TrendChart days={trend} start={start} marker={end} /> : state === "loading" ? <Loading /> : null}
      </Section>
    </div>
  );
}

/** Counts per place within [from, to] (day keys) from the cells; places without cells keep their total. */
export function placeCounts(data: SituationResult | null, from: string, to: string): Place[] {
  if (!data) return [];
  const byKey = new Map<string, number>();
  const withCells = new Set<string>();
  for (const c of data.cells ?? []) {
    withCells.add(c.key);
    const day = c.bucket.slice(0, 10);
    if (day >= from && day <= to) byKey.set(c.key, (byKey.get(c.key) ?? 0) + c.count);
  }
  return (data.places ?? [])
    .map((p) => ({ ...p, count: withCells.has(p.key) ? (byKey.get(p.key) ?? 0) : p.count }))
    .filter((p) => p.count > 0)
    .sort((a, b) => b.count - a.count);
}

function dailyTotals(data: SituationResult | null, start: Date): number[] {
  const days = new Array<number>(DAYS + 1).fill(0);
  for (const c of data?.cells ?? []) {
    const i = Math.floor((new Date(c.bucket).getTime() - start.getTime()) / DAY_MS);
    if (i >= 0 && i <= DAYS) days[i] += c.count;
  }
  return days;
}

function RegionMap({ world, places }: { world: Feature<Geometry, { name: string }>[]; places: Place[] }): JSX.Element {
  const { path, project } = useMemo(() => {
    const focus: FeatureCollection = { type: "FeatureCollection", features: world.filter((f) => FOCUS.has(String(f.id))) };
    const projection = geoMercator().fitExtent(
      [
        [110, 90],
        [W - 110, H - 90],
      ],
      focus,
    );
    return { path: geoPath(projection), project: projection };
  }, [world]);
  const names = useMemo(() => new Intl.DisplayNames([lang()], { type: "region" }), [lang()]);
  const max = Math.max(1, ...places.map((p) => p.count));
  return (
    <svg class="map" viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-label={t("situation.map")} id="situation-map">
      <rect class="sea" x={0} y={0} width={W} height={H} />
      {world.map((f) => (
        <path key={String(f.id)} d={path(f) ?? ""} class={`country${FOCUS.has(String(f.id)) ? " focus" : ""}`} />
      ))}
      {world
        .filter((f) => REGION[String(f.id)])
        .map((f) => {
          const c = path.centroid(f);
          if (!Number.isFinite(c[0]) || c[0] < 0 || c[0] > W || c[1] < 0 || c[1] > H) return null;
          return (
            <text key={`l${String(f.id)}`} x={c[0]} y={c[1]} class="country-label" text-anchor="middle">
              {names.of(REGION[String(f.id)]) ?? f.properties.name}
            </text>
          );
        })}
      {places
        .filter((p) => typeof p.lat === "number" && typeof p.lon === "number")
        .map((p) => {
          const xy = project([p.lon!, p.lat!]);
          if (!xy) return null;
          const r = 6 + 22 * Math.sqrt(p.count / max);
          return (
            <g key={p.key} class="place" data-key={p.key}>
              <circle cx={xy[0]} cy={xy[1]} r={r} />
              <text x={xy[0]} y={xy[1] + 4} text-anchor="middle" class="place-count">
                {fmtNumber(p.count)}
              </text>
              <text x={xy[0]} y={xy[1] + r + 14} text-anchor="middle" class="place-name">
                {visibleBidi(p.name || p.key)}
              </text>
            </g>
          );
        })}
    </svg>
  );
}

function TrendChart({ days, start, marker }: { days: number[]; start: Date; marker: number }): JSX.Element {
  const w = 720;
  const h = 160;
  const max = Math.max(1, ...days);
  const bw = w / days.length;
  // Right to left, time runs from the right like the mirrored slider: "today" stands on the
  // same side in both.
  const rtl = isRtl();
  const X = (x: number) => (rtl ? w - x : x);
  return (
    <svg class="trend" direction="ltr" viewBox={`0 0 ${w} ${h + 20}`} width={w} height={h + 20} role="img" aria-label={t("situation.trend")} id="situation-chart">
      {days.map((n, i) => (
        <rect key={i} class={`bar${i <= marker ? " in" : ""}`} x={X(i * bw + 1) - (rtl ? Math.max(1, bw - 2) : 0)} y={h - (h * n) / max} width={Math.max(1, bw - 2)} height={(h * n) / max}>
          <title>{`${fmtDay(new Date(start.getTime() + i * DAY_MS).toISOString())}: ${fmtNumber(n)}`}</title>
        </rect>
      ))}
      <line class="marker" x1={X(marker * bw + bw / 2)} x2={X(marker * bw + bw / 2)} y1={0} y2={h} />
      <text x={X(2)} y={h + 16} class="axis" text-anchor={rtl ? "end" : "start"} id="trend-start">
        {fmtDay(start.toISOString())}
      </text>
      <text x={X(w - 2)} y={h + 16} class="axis" text-anchor={rtl ? "start" : "end"} id="trend-today">
        {fmtDay(new Date().toISOString())}
      </text>
    </svg>
  );
}
