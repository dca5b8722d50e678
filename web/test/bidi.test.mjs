// Bidi controls in stored text are made visible and cannot reorder what the reader sees
// (src/bidi.tsx; issue 16 item 9).
import { test } from "node:test";
import assert from "node:assert/strict";
import { bidiParts, hasBidiControls, visibleBidi } from "../.test-build/bidi.js";

test("every embedding, override and isolate control is named, nothing else is touched", () => {
  const all = "\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069";
  assert.equal(visibleBidi(all), "[LRE][RLE][PDF][LRO][RLO][LRI][RLI][FSI][PDI]");
  assert.equal(visibleBidi("invoice \u202Efdp.exe"), "invoice [RLO]fdp.exe");
  // Marks that reorder nothing (LRM, RLM, ALM) and Arabic text stay as they are.
  assert.equal(visibleBidi("بغداد\u200F 2026"), "بغداد\u200F 2026");
  assert.equal(hasBidiControls("plain"), false);
  assert.equal(hasBidiControls("a\u2067b"), true);
  assert.equal(hasBidiControls("a\u2067b"), true, "no regex state carried between calls");
});

test("parts keep the text in stored order, with each control as its own part", () => {
  assert.deepEqual(bidiParts("x\u202Efdp.exe"), [
    { text: "x", control: false },
    { text: "RLO", control: true, code: "U+202E" },
    { text: "fdp.exe", control: false },
  ]);
  assert.deepEqual(bidiParts(""), []);
});
