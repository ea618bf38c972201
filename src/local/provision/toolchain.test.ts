import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { requireGo } from "./go-builder.js";
import { requireJava } from "./spark.js";

/** Runs `fn` with PATH holding only fake tools that print the given version banners. */
async function withFakeTools(tools: Record<string, string>, fn: () => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "sparkplane-fake-tools-"));
  for (const [name, banner] of Object.entries(tools)) {
    writeFileSync(join(dir, name), `#!/bin/sh\necho '${banner}'\necho '${banner}' >&2\n`, { mode: 0o755 });
  }
  const saved = process.env.PATH;
  process.env.PATH = dir;
  try {
    await fn();
  } finally {
    process.env.PATH = saved;
  }
}

test("no Go on PATH: the error says what to install or how to skip the build", async () => {
  await withFakeTools({}, async () => {
    await assert.rejects(
      requireGo("Kubernetes v1.36.3"),
      /Go 1\.26 or newer is needed.*Install Go.*SPARKPLANE_K8S_BIN_DIR/s,
    );
  });
});

test("a too-old Go is named with the version needed", async () => {
  await withFakeTools({ go: "go version go1.22.5 linux/amd64" }, async () => {
    await assert.rejects(requireGo("Kubernetes v1.36.3"), /Go 1\.22\.5 is too old.*needs Go 1\.26/s);
  });
});

test("a new enough Go passes", async () => {
  await withFakeTools({ go: "go version go1.26.8 linux/amd64" }, () => requireGo("etcd"));
});

test("no Java, or an old one: the error names the package to install", async () => {
  await withFakeTools({}, async () => {
    await assert.rejects(requireJava(), /Java 17 or newer is needed.*openjdk-17/s);
  });
  await withFakeTools({ java: 'openjdk version "11.0.2" 2019-01-15' }, async () => {
    await assert.rejects(requireJava(), /Java 11\.0\.2 is too old.*Java 17/s);
  });
});
