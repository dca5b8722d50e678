// A graph of links as SVG: nodes on concentric rings around the focus object (depth by
// breadth-first distance), edges as lines. Labels are SVG text nodes (never markup).
import type { JSX } from "preact";
import { href } from "./router";
import { visibleBidi } from "./bidi";
import { typeLabel } from "./names";
import { t } from "./i18n";

/** A label's own direction, from its first strong character (Hebrew/Arabic script: rtl). */
export function ownDirection(s: string): "rtl" | "ltr" {
  const m = /[A-Za-z\u00C0-\u024F\u0370-\u03FF\u0400-\u04FF]|[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/.exec(s);
  return m && /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/.test(m[0]) ? "rtl" : "ltr";
}

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

const W = 640;
const H = 420;

export function layout(focus: string, nodes: GraphNode[], edges: GraphEdge[]): Map<string, { x: number; y: number }> {
  const adj = new Map<string, string[]>();
  for (const e of edges) {
    adj.set(e.source, [...(adj.get(e.source) ?? []), e.target]);
    adj.set(e.target, [...(adj.get(e.target) ?? []), e.source]);
  }
  const depth = new Map<string, number>([[focus, 0]]);
  const queue = [focus];
  while (queue.length) {
    const n = queue.shift()!;
    for (const m of adj.get(n) ?? []) {
      if (!depth.has(m)) {
        depth.set(m, depth.get(n)! + 1);
        queue.push(m);
      }
    }
  }
  const rings = new Map<number, string[]>();
  // Clustered by type: each ring holds its nodes grouped by type, so a type reads as an arc.
  const byType = [...nodes].sort((a, b) => a.type.localeCompare(b.type) || (a.name ?? "").localeCompare(b.name ?? ""));
  for (const n of byType) {
    const d = depth.get(n.id) ?? 3;
    rings.set(d, [...(rings.get(d) ?? []), n.id]);
  }
  const pos = new Map<string, { x: number; y: number }>();
  const maxR = Math.min(W, H) / 2 - 40;
  const ringCount = Math.max(1, ...rings.keys());
  for (const [d, ids] of rings) {
    ids.forEach((id, i) => {
      if (d === 0) {
        pos.set(id, { x: W / 2, y: H / 2 });
        return;
      }
      const r = (maxR * d) / ringCount;
      const a = (2 * Math.PI * i) / ids.length + d * 0.4;
      pos.set(id, { x: W / 2 + r * Math.cos(a), y: H / 2 + r * Math.sin(a) });
    });
  }
  return pos;
}

export function LinkGraph({ focus, nodes, edges }: { focus: string; nodes: GraphNode[]; edges: GraphEdge[] }): JSX.Element {
  const pos = layout(focus, nodes, edges);
  const short = (s: string) => (s.length > 28 ? `${s.slice(0, 27)}…` : s);
  // Past 30 nodes only the focus and its neighbours carry labels (the rest in their tooltips),
  // so a graph of 50+ nodes still reads.
  const near = new Set<string>([focus]);
  for (const e of edges) {
    if (e.source === focus) near.add(e.target);
    if (e.target === focus) near.add(e.source);
  }
  const labelled = (id: string) => nodes.length <= 30 || near.has(id);
  const types = [...new Set(nodes.map((n) => n.type))].sort();
  return (
    <figure class="graph-figure">
    <svg class="graph" viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="group" aria-label={t("object.graph")} id="link-graph">
      <g class="edges">
        {edges.map((e, i) => {
          const a = pos.get(e.source);
          const b = pos.get(e.target);
          if (!a || !b) return null;
          return <line key={i} x1={a.x} y1={a.y} x2={b.x} y2={b.y} class="edge" stroke-width={1 + 2 * Math.min(1, e.score ?? 0.3)} />;
        })}
      </g>
      <g class="nodes">
        {nodes.map((n) => {
          const p = pos.get(n.id);
          if (!p) return null;
          return (
            <a key={n.id} href={href("object", n.id)} class={`node node-${n.type}${n.id === focus ? " focus" : ""}`}>
              <circle cx={p.x} cy={p.y} r={n.id === focus ? 12 : 8} />
              {labelled(n.id) && (
                <text x={p.x} y={p.y + 24} text-anchor="middle" direction={ownDirection(n.name || "")} class="label">
                  {short(visibleBidi(n.name || typeLabel(n.type)))}
                </text>
              )}
              <title>{`${visibleBidi(n.name || n.id)} (${typeLabel(n.type)})`}</title>
            </a>
          );
        })}
      </g>
    </svg>
    <figcaption class="graph-legend">
      {types.map((ty) => (
        <span key={ty} class={`legend node-${ty}`}>
          <span class="dot" aria-hidden="true" /> {typeLabel(ty)}
        </span>
      ))}
    </figcaption>
    </figure>
  );
}
