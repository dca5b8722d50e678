// The graph's data (src/graph_model.ts): labels isolated in their own direction with stored
// bidi controls made visible, one cluster per type, edges only between nodes of the graph.
import { test } from "node:test";
import assert from "node:assert/strict";
import { clusterId, graphElements, isolatedLabel, ownDirection } from "../.test-build/graph_model.js";

test("each label keeps its own direction: Arabic and Persian rtl, Latin and Cyrillic ltr", () => {
  assert.equal(ownDirection("داعش (ISIS)"), "rtl");
  assert.equal(ownDirection("2024 — ISIS (داعش)"), "ltr");
  assert.equal(ownDirection("Хафаджи"), "ltr");
  assert.equal(isolatedLabel("الخفاجي 2"), "\u2067الخفاجي 2\u2069");
  assert.equal(isolatedLabel("al-Khafaji"), "\u2066al-Khafaji\u2069");
});

test("stored bidi controls are shown, never obeyed, and long labels are cut", () => {
  assert.equal(isolatedLabel("x\u202Efdp.exe"), "\u2066x[RLO]fdp.exe\u2069");
  const long = "ا".repeat(40);
  assert.equal(isolatedLabel(long), `\u2067${"ا".repeat(27)}…\u2069`);
});

test("a cluster per type, nodes inside it, edges to missing nodes dropped", () => {
  const nodes = [
    { id: "report--1", type: "report", name: "تقرير" },
    { id: "report--2", type: "report", name: "Report" },
    { id: "location--1", type: "location", name: "الأنبار" },
  ];
  const edges = [
    { source: "report--1", target: "report--2", score: 0.9 },
    { source: "report--1", target: "location--1" },
    { source: "report--1", target: "report--gone" },
  ];
  const els = graphElements("report--1", nodes, edges, (t) => `T:${t}`);
  const clusters = els.filter((e) => e.classes === "cluster");
  assert.deepEqual(clusters.map((c) => c.data.id), [clusterId("location"), clusterId("report")]);
  assert.equal(clusters[1].data.label, "\u2066T:report (2)\u2069");
  const n = Object.fromEntries(els.filter((e) => e.group === "nodes" && e.classes !== "cluster").map((e) => [e.data.id, e]));
  assert.equal(n["report--1"].classes, "focus");
  assert.equal(n["report--2"].classes, "near");
  assert.equal(n["location--1"].data.parent, clusterId("location"));
  const es = els.filter((e) => e.group === "edges");
  assert.equal(es.length, 2);
  assert.equal(es[0].data.weight, 0.9);
});
