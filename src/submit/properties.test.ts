import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { escapeKey, escapeValue, javaDateString, loadProperties, storeProperties } from "./properties.js";

const NASTY_VALUES = [
  "",
  " ",
  "   leading spaces",
  "trailing spaces   ",
  "inner   spaces",
  "\tleading tab",
  "a=b=c",
  "key:value",
  "#not a comment",
  "!not a comment either",
  "back\\slash",
  "\\",
  "\\\\",
  "ends with backslash\\",
  "line\nbreak",
  "carriage\rreturn",
  "crlf\r\nhere",
  "form\ffeed",
  "tab\tinside",
  "caf\u00e9",
  "\u00ff\u0100",
  "日本語",
  "emoji \u{1F600}",
  "\u0000nul",
  "\u000bvertical tab",
  "\u007fdel",
  "=leading equals",
  ":leading colon",
  '-Dfoo=bar -XX:+UseG1GC -Dspark.x="quoted value"',
  "k8s://https://10.96.0.1:443",
  "{{APP_ID}}",
  "\\u0041 literal backslash-u",
  "mixed \t\n\r\f=:#! all",
];

const NASTY_KEYS = [
  "spark.simple",
  "key with spaces",
  " leading",
  "a=b",
  "a:b",
  "#hash",
  "!bang",
  "back\\slash",
  "tab\tkey",
  "new\nline",
  "clé",
  "キー",
  "",
];

describe("storeProperties", () => {
  it("writes the comment, the date and sorted entries", () => {
    const text = storeProperties(
      { "spark.b": "2", "spark.a": "1" },
      {
        comments: "Java properties built from Kubernetes config map with name: spark-drv-x-conf-map",
        date: new Date(Date.UTC(2024, 10, 21, 0, 8, 5)),
      },
    );
    assert.equal(
      text,
      "#Java properties built from Kubernetes config map with name: spark-drv-x-conf-map\n" +
        "#Thu Nov 21 00:08:05 UTC 2024\n" +
        "spark.a=1\n" +
        "spark.b=2\n",
    );
  });

  it("writes nothing but entries without comment and date", () => {
    assert.equal(storeProperties([["k", "v"]]), "k=v\n");
    assert.equal(storeProperties({}), "");
  });

  it("keeps the last of duplicate entries", () => {
    assert.equal(
      storeProperties([
        ["k", "1"],
        ["k", "2"],
      ]),
      "k=2\n",
    );
  });

  it("escapes every space in keys but only the leading one in values", () => {
    assert.equal(escapeKey(" a b "), "\\ a\\ b\\ ");
    assert.equal(escapeValue(" a b "), "\\ a b ");
    assert.equal(escapeValue("  two"), "\\  two");
  });

  it("escapes separators, comment starters, backslashes and whitespace controls", () => {
    assert.equal(escapeValue("a=b:c#d!e\\f"), "a\\=b\\:c\\#d\\!e\\\\f");
    assert.equal(escapeValue("\t\n\r\f"), "\\t\\n\\r\\f");
    assert.equal(escapeKey("a=b"), "a\\=b");
  });

  it("leaves non-ASCII and other control characters raw, as store(Writer) does", () => {
    assert.equal(escapeValue("café 日本 \u0000\u000b\u007f"), "café 日本 \u0000\u000b\u007f");
  });

  it("escapes non-ASCII as uppercase \\uXXXX when asked to, like store(OutputStream)", () => {
    assert.equal(escapeValue("é日\u0001\u007f~", true), "\\u00E9\\u65E5\\u0001\\u007F~");
    assert.equal(escapeValue("\u{1F600}", true), "\\uD83D\\uDE00");
  });

  it("writes comment characters above U+00FF as \\uXXXX and prefixes every comment line", () => {
    const text = storeProperties({}, { comments: "é 日\nsecond\r\nthird\r#already\n!bang\n" });
    assert.equal(text, "#é \\u65E5\n#second\n#third\n#already\n!bang\n#\n");
  });

  it("formats dates like java.util.Date#toString in UTC", () => {
    assert.equal(javaDateString(new Date(Date.UTC(2026, 0, 1, 9, 5, 7))), "Thu Jan 01 09:05:07 UTC 2026");
    assert.equal(
      javaDateString(new Date(Date.UTC(1999, 11, 31, 23, 59, 59))),
      "Fri Dec 31 23:59:59 UTC 1999",
    );
  });

  it("round-trips every nasty value and key through Properties.load", () => {
    const entries = new Map<string, string>([
      ...NASTY_VALUES.map((value, i) => [`spark.value.${i}`, value] as const),
      ...NASTY_KEYS.map((key, i) => [key, `key ${i}`] as const),
    ]);
    for (const escapeUnicode of [false, true]) {
      const text = storeProperties(entries, {
        comments: "header with = and : and é",
        date: new Date(0),
        escapeUnicode,
      });
      assert.deepEqual(
        loadProperties(text),
        new Map([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
      );
    }
  });

  it("puts every entry on exactly one line", () => {
    const text = storeProperties(NASTY_VALUES.map((value, i) => [`k${i}`, value] as const));
    assert.equal(text.split("\n").length - 1, NASTY_VALUES.length);
    assert.doesNotMatch(text, /\r/);
  });
});

describe("loadProperties", () => {
  it("reads the separators and whitespace rules of Properties.load", () => {
    const text = [
      "# comment",
      "! comment",
      "",
      "   ",
      "a=1",
      "b : 2",
      "c   3",
      "d",
      "e=",
      "  f = 6  ",
      "g==7",
      "h:=8",
      "i\\ j=9",
    ].join("\n");
    assert.deepEqual(
      loadProperties(text),
      new Map([
        ["a", "1"],
        ["b", "2"],
        ["c", "3"],
        ["d", ""],
        ["e", ""],
        ["f", "6  "],
        ["g", "=7"],
        ["h", "=8"],
        ["i j", "9"],
      ]),
    );
  });

  it("joins continuation lines, dropping the next line's leading whitespace", () => {
    assert.deepEqual(
      loadProperties("a=one \\\n    two\\\r\n\tthree\nb=\\\\\nc=x\\"),
      new Map([
        ["a", "one twothree"],
        ["b", "\\"],
        ["c", "x"],
      ]),
    );
  });

  it("does not continue comment lines", () => {
    assert.deepEqual(loadProperties("# comment \\\na=1"), new Map([["a", "1"]]));
  });

  it("decodes escapes and rejects malformed \\u", () => {
    assert.deepEqual(loadProperties("k=\\u00e9\\t\\q"), new Map([["k", "é\tq"]]));
    assert.throws(() => loadProperties("k=\\u00zz"), /Malformed/);
  });
});
