// The graph of links, drawn by Cytoscape.js (canvas, loaded as its own chunk) with the fCoSE
// force-directed layout: one cluster per object type, labels in their own direction (isolates,
// src/graph_model.ts), the focus and its neighbours always labelled, the rest once zoomed in or
// hovered. Under the graph, the same graph as a list of links (for the keyboard and screen
// readers). The app's CSP holds: no eval, no inline style (see ensureNoInlineStylesheet).
import type { JSX } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import type { Core, LayoutOptions, StylesheetJson } from "cytoscape";
import { href, go } from "./router";
import { UserText } from "./bidi";
import { typeLabel } from "./names";
import { lang, t, tn } from "./i18n";
import { graphElements, neighbours, colourOf, type GraphEdge, type GraphNode } from "./graph_model";

export type { GraphEdge, GraphNode } from "./graph_model";

type Cytoscape = typeof import("cytoscape");
let loaded: Promise<Cytoscape> | null = null;

/** Cytoscape and the fCoSE layout, loaded once, on the first graph shown. */
function loadCytoscape(): Promise<Cytoscape> {
  loaded ??= Promise.all([import("cytoscape"), import("cytoscape-fcose")]).then(([c, f]) => {
    c.default.use(f.default);
    return c.default;
  });
  return loaded;
}

/**
 * Cytoscape adds a <style> element (`position: relative` for its container) unless one with
 * its id is present; under `style-src 'self'` the browser refuses it and logs a violation. The
 * rule lives in style.css (`.__________cytoscape_container`), and this empty marker tells
 * Cytoscape it is there.
 */
function ensureNoInlineStylesheet(): void {
  const id = "__________cytoscape_stylesheet";
  if (document.getElementById(id)) return;
  const marker = document.createElement("meta");
  marker.id = id;
  marker.name = "cytoscape-stylesheet";
  marker.content = "style.css";
  document.head.appendChild(marker);
}

const FONT = '"Noto Naskh Arabic", system-ui, "DejaVu Sans", sans-serif';

/**
 * The stylesheet at zoom `zoom`: the focus's, its neighbours' and the clusters' labels keep a
 * readable size on screen however far the graph is zoomed out (their font grows as the zoom
 * shrinks); the other labels show once zoomed in enough to read them (or on hover), unless the
 * graph is small enough to label everything.
 */
function style(labelAll: boolean, zoom: number): StylesheetJson {
  const k = Math.max(1, 1 / zoom); // font scale that keeps rendered text at its nominal size
  const r = Math.sqrt(k); // nodes grow less, so they do not cover each other
  return [
    {
      selector: "node",
      style: {
        "background-color": "data(colour)",
        label: "data(label)",
        "font-family": FONT,
        "font-size": 11,
        color: "#1f2937",
        "text-valign": "bottom",
        "text-margin-y": 3,
        "text-background-color": "#ffffff",
        "text-background-opacity": 0.8,
        "text-background-padding": "1px",
        width: 14 * r,
        height: 14 * r,
        "border-width": 2 * r,
        "border-color": "#ffffff",
      },
    },
    { selector: "node.far", style: { "font-size": labelAll ? 11 * k : 11, "min-zoomed-font-size": labelAll ? 0 : 10 } },
    { selector: "node.near", style: { width: 17 * r, height: 17 * r, "font-size": 12 * k } },
    { selector: "node.focus", style: { width: 26 * r, height: 26 * r, "font-size": 14 * k, "font-weight": "bold", "border-color": "#b91c1c", "border-width": 3 * r } },
    {
      selector: "node.cluster",
      style: {
        shape: "round-rectangle",
        "background-opacity": 0.06,
        "border-color": "data(colour)",
        "border-width": 1,
        "border-style": "dashed",
        "text-valign": "top",
        "text-margin-y": -4,
        "font-size": 13 * k,
        "font-weight": "bold",
        color: "data(colour)",
        padding: "14px",
        "min-zoomed-font-size": 0,
      },
    },
    { selector: "node.hover", style: { "font-size": 12 * k, "min-zoomed-font-size": 0, "z-index": 10 } },
    { selector: ".faded", style: { opacity: 0.25 } },
    {
      selector: "edge",
      style: {
        width: `mapData(weight, 0, 1, ${r}, ${4 * r})`,
        "line-color": "#94a3b8",
        "curve-style": "straight",
        opacity: 0.8,
      },
    },
  ];
}

export function LinkGraph({ focus, nodes, edges }: { focus: string; nodes: GraphNode[]; edges: GraphEdge[] }): JSX.Element {
  const box = useRef<HTMLDivElement>(null);
  const cyRef = useRef<Core | null>(null);
  const [state, setState] = useState<"loading" | "ready" | "failed">("loading");
  const ui = lang();
  useEffect(() => {
    let live = true;
    setState("loading");
    loadCytoscape().then(
      (cytoscape) => {
        if (!live || !box.current) return;
        ensureNoInlineStylesheet();
        const cy = cytoscape({
          container: box.current,
          elements: graphElements(focus, nodes, edges, typeLabel),
          style: style(nodes.length <= 30, 1),
          layout: {
            name: "fcose",
            quality: "default",
            randomize: true,
            animate: false,
            fit: true,
            padding: 24,
            nodeDimensionsIncludeLabels: true,
            packComponents: true,
            nodeRepulsion: () => 4500,
            idealEdgeLength: () => 50,
            nestingFactor: 0.1,
            gravityCompound: 1.2,
            tile: true,
          } as unknown as LayoutOptions,
          minZoom: 0.15,
          maxZoom: 3,
          userZoomingEnabled: false, // the page scrolls with the wheel; zoom with the buttons
          boxSelectionEnabled: false,
          autoungrabify: false,
        });
        cy.on("tap", "node", (ev) => {
          const n = ev.target;
          if (!n.hasClass("cluster")) go("object", n.id());
        });
        cy.on("mouseover", "node", (ev) => {
          const n = ev.target;
          if (n.hasClass("cluster")) return;
          const keep = n.closedNeighborhood().union(n.closedNeighborhood().parents());
          cy.elements().not(keep).addClass("faded");
          keep.nodes().addClass("hover");
          if (box.current) box.current.classList.add("pointing");
        });
        cy.on("mouseout", "node", () => {
          cy.elements().removeClass("faded hover");
          if (box.current) box.current.classList.remove("pointing");
        });
        // Labels keep their size on screen as the zoom changes (restyled once per frame).
        let frame = 0;
        let styledAt = 1;
        const restyle = () => {
          frame = 0;
          const z = cy.zoom();
          if (Math.abs(z - styledAt) / styledAt < 0.05) return;
          styledAt = z;
          cy.style(style(nodes.length <= 30, z));
        };
        cy.on("zoom", () => {
          frame ||= requestAnimationFrame(restyle);
        });
        restyle();
        cyRef.current = cy;
        setState("ready");
      },
      () => live && setState("failed"),
    );
    return () => {
      live = false;
      cyRef.current?.destroy();
      cyRef.current = null;
    };
  }, [focus, nodes, edges, ui]);

  const zoom = (factor: number) => {
    const cy = cyRef.current;
    if (!cy) return;
    cy.zoom({ level: cy.zoom() * factor, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
  };
  const types = [...new Set(nodes.map((n) => n.type))].sort();
  return (
    <figure class="graph-figure" data-state={state} data-nodes={nodes.length}>
      <div class="graph-tools" role="group" aria-label={t("graph.tools")}>
        <button type="button" class="small" onClick={() => zoom(1.25)} disabled={state !== "ready"} aria-label={t("graph.zoomIn")} title={t("graph.zoomIn")}>
          +
        </button>
        <button type="button" class="small" onClick={() => zoom(0.8)} disabled={state !== "ready"} aria-label={t("graph.zoomOut")} title={t("graph.zoomOut")}>
          −
        </button>
        <button type="button" class="small" onClick={() => cyRef.current?.fit(undefined, 24)} disabled={state !== "ready"}>
          {t("graph.fit")}
        </button>
      </div>
      <div ref={box} id="link-graph" class="graph graph-canvas" role="img" aria-label={tn("graph.summary", nodes.length)} aria-describedby="graph-list" />
      {state === "failed" && <p class="muted small">{t("graph.failed")}</p>}
      <figcaption class="graph-legend">
        {types.map((ty) => (
          <span key={ty} class={`legend node-${ty}`}>
            <span class={`dot colour-${colourClass(ty)}`} aria-hidden="true" /> {typeLabel(ty)}
          </span>
        ))}
      </figcaption>
      <GraphList focus={focus} nodes={nodes} edges={edges} />
    </figure>
  );
}

/** CSS class suffix of a type's colour (style.css has one rule per colour of TYPE_COLOURS). */
function colourClass(type: string): string {
  return colourOf(type).slice(1);
}

/** The graph as a list: by type, each object a link, with the objects it is linked to. */
function GraphList({ focus, nodes, edges }: { focus: string; nodes: GraphNode[]; edges: GraphEdge[] }): JSX.Element {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const types = [...new Set(nodes.map((n) => n.type))].sort();
  return (
    <details class="graph-list-box" id="graph-list">
      <summary>{tn("graph.list", nodes.length)}</summary>
      {types.map((ty) => (
        <section key={ty} class="graph-list-type">
          <h3 class="small">{typeLabel(ty)}</h3>
          <ul class="graph-list">
            {nodes
              .filter((n) => n.type === ty)
              .map((n) => {
                const linked = [...neighbours(n.id, edges)].filter((x) => byId.has(x));
                return (
                  <li key={n.id} data-id={n.id} class={n.id === focus ? "focus" : undefined}>
                    <a href={href("object", n.id)}>
                      <UserText s={n.name || typeLabel(n.type)} />
                    </a>
                    {linked.length > 0 && (
                      <span class="muted small">
                        {" — "}
                        {tn("graph.linkedTo", linked.length)}{" "}
                        {linked.slice(0, 5).map((x, i) => (
                          <span key={x}>
                            {i > 0 && " · "}
                            <UserText s={byId.get(x)!.name || typeLabel(byId.get(x)!.type)} />
                          </span>
                        ))}
                        {linked.length > 5 && " …"}
                      </span>
                    )}
                  </li>
                );
              })}
          </ul>
        </section>
      ))}
    </details>
  );
}
