// The graph of links as data for the renderer (src/graph.tsx): nodes clustered by type
// (one compound parent per type), labels isolated in their own direction, the focus and its
// neighbours marked. Pure (no DOM), so `npm test` covers it.
import { visibleBidi } from "./bidi.js"; // .js: also run by node in npm test

export interface GraphNode {
  id: string;
  type: string;
  name?: string;
}
export interface GraphEdge {
  source: string;
  target: string;
  score?: number;
  reasons?: string[];
}

const STRONG = /[A-Za-z\u00C0-\u024F\u0370-\u03FF\u0400-\u04FF]|[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/;
const RTL = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/;

/** A label's own direction, from its first strong character (Hebrew/Arabic script: rtl). */
export function ownDirection(s: string): "rtl" | "ltr" {
  const m = STRONG.exec(s);
  return m && RTL.test(m[0]) ? "rtl" : "ltr";
}

/**
 * A label for a canvas: the stored text's own bidi controls made visible (never obeyed), cut
 * to `max` characters, and the whole wrapped in an isolate of its own direction (RLI or LRI …
 * PDI), so an Arabic label reads right-to-left and a Latin one left-to-right whatever the
 * page's direction (canvas text honours isolates; it has no per-label `dir`).
 */
export function isolatedLabel(s: string, max = 28): string {
  const v = visibleBidi(s);
  const cut = [...v].length > max ? `${[...v].slice(0, max - 1).join("")}…` : v;
  return `${ownDirection(cut) === "rtl" ? "\u2067" : "\u2066"}${cut}\u2069`;
}

/** Colour of a node type; the legend's CSS classes (`.legend.node-<type>`) use the same. */
export const TYPE_COLOURS: Record<string, string> = {
  report: "#2563eb",
  location: "#059669",
  identity: "#7c3aed",
  "intrusion-set": "#b45309",
  "threat-actor": "#b45309",
  indicator: "#0f766e",
  malware: "#be123c",
  "attack-pattern": "#a16207",
};
export const DEFAULT_COLOUR = "#475569";

export function colourOf(type: string): string {
  return TYPE_COLOURS[type] ?? DEFAULT_COLOUR;
}

export interface ElementData {
  group: "nodes" | "edges";
  data: Record<string, string | number>;
  classes?: string;
}

/** Id of the cluster (compound parent) that holds the nodes of one type. */
export function clusterId(type: string): string {
  return `cluster:${type}`;
}

/**
 * Elements for the renderer: one cluster per type (labelled by `typeLabel`, with its count),
 * the nodes inside their clusters, and the edges whose two ends are both in the graph (an edge
 * to a node the server left out is dropped, never drawn to nowhere).
 */
export function graphElements(
  focus: string,
  nodes: GraphNode[],
  edges: GraphEdge[],
  typeLabel: (type: string) => string,
): ElementData[] {
  const ids = new Set(nodes.map((n) => n.id));
  const near = neighbours(focus, edges);
  const counts = new Map<string, number>();
  for (const n of nodes) counts.set(n.type, (counts.get(n.type) ?? 0) + 1);
  const out: ElementData[] = [];
  for (const [type, count] of [...counts].sort(([a], [b]) => a.localeCompare(b))) {
    out.push({
      group: "nodes",
      data: { id: clusterId(type), label: isolatedLabel(`${typeLabel(type)} (${count})`, 40), colour: colourOf(type) },
      classes: "cluster",
    });
  }
  for (const n of nodes) {
    out.push({
      group: "nodes",
      data: { id: n.id, parent: clusterId(n.type), label: isolatedLabel(n.name || typeLabel(n.type)), colour: colourOf(n.type) },
      classes: n.id === focus ? "focus" : near.has(n.id) ? "near" : "far",
    });
  }
  edges.forEach((e, i) => {
    if (!ids.has(e.source) || !ids.has(e.target) || e.source === e.target) return;
    out.push({ group: "edges", data: { id: `e${i}`, source: e.source, target: e.target, weight: Math.min(1, Math.max(0, e.score ?? 0.3)) } });
  });
  return out;
}

/** The ids linked to `id` by an edge. */
export function neighbours(id: string, edges: GraphEdge[]): Set<string> {
  const out = new Set<string>();
  for (const e of edges) {
    if (e.source === id) out.add(e.target);
    if (e.target === id) out.add(e.source);
  }
  return out;
}
