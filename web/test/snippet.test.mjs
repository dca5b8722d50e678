// Snippet rendering: the API's snippets are HTML-escaped text with matches in <mark>…</mark>;
// only that tag may become markup, everything else is text (src/text.tsx).
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseSnippet, unescapeHtml } from "../.test-build/text.js";

test("unescapes the server's entities, numeric ones included", () => {
  assert.equal(unescapeHtml("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp;amp; &#39;q&#x27; &#1575;"), `<script>alert("x")</script> &amp; 'q' ا`);
  assert.equal(unescapeHtml("&unknown; &#0; &#x110000;"), "&unknown; &#0; &#x110000;");
});

test("marks become parts; the text between them stays text", () => {
  assert.deepEqual(parseSnippet("محاربة <mark>الإرهاب</mark> في &lt;b&gt;بغداد&lt;/b&gt;"), [
    { text: "محاربة ", mark: false },
    { text: "الإرهاب", mark: true },
    { text: " في <b>بغداد</b>", mark: false },
  ]);
});

test("escaped tags, forged or unbalanced marks are text, never markup", () => {
  // A stored "</mark><img …>" arrives escaped: it is text inside or outside a mark.
  const parts = parseSnippet("<mark>a</mark>&lt;/mark&gt;&lt;img src=x onerror=alert(1)&gt;<mark>b");
  assert.deepEqual(parts, [
    { text: "a", mark: true },
    { text: "</mark><img src=x onerror=alert(1)><mark>b", mark: false },
  ]);
  assert.deepEqual(parseSnippet("plain"), [{ text: "plain", mark: false }]);
  assert.deepEqual(parseSnippet(""), []);
});
