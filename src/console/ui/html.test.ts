import assert from "node:assert/strict";
import { test } from "node:test";
import { escapeHtml, html, queryString, trusted } from "./html.js";

test("interpolated text is escaped; Html and arrays are not escaped twice", () => {
  const name = `<script>alert("x")</script>&'`;
  const out = html`<td title="${name}">${name}</td>${[html`<b>${1}</b>`, "<i>"]}${null}${false}${undefined}`;
  assert.equal(
    out.text,
    '<td title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;</td><b>1</b>&lt;i&gt;',
  );
  assert.equal(html`${trusted("<br>")}`.text, "<br>");
  assert.equal(escapeHtml("a&b"), "a&amp;b");
});

test("queryString leaves out empty parameters and encodes values", () => {
  assert.equal(
    queryString({ ns: "", state: "RUNNING", q: "a b&c", page: 2, x: undefined }),
    "?state=RUNNING&q=a+b%26c&page=2",
  );
  assert.equal(queryString({}), "");
});
