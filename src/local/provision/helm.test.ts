import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { findHelm, helmBuilderGoMod, helmLdflags } from "./helm.js";

const upstream = `module helm.sh/helm/v3

go 1.26.0

require (
	github.com/BurntSushi/toml v1.6.0
	k8s.io/api v0.36.2
	k8s.io/client-go v0.36.2
)
`;

test("the helm builder go.mod requires helm at the pinned version with helm's go line", () => {
  const mod = helmBuilderGoMod("v3.21.4", upstream);
  assert.match(mod, /^module sparkplane\.local\/helmbuilder$/m);
  assert.match(mod, /^go 1\.26\.0$/m);
  assert.match(mod, /^require helm\.sh\/helm\/v3 v3\.21\.4$/m);
});

test("helm ldflags stamp the release and the Kubernetes version of its client-go, as helm's Makefile does", () => {
  const ld = helmLdflags("v3.21.4", upstream);
  assert.match(ld, /^-s -w /);
  assert.match(ld, /-X helm\.sh\/helm\/v3\/internal\/version\.version=v3\.21\.4/);
  assert.match(ld, /-X helm\.sh\/helm\/v3\/pkg\/chartutil\.k8sVersionMajor=1 /);
  assert.match(ld, /-X helm\.sh\/helm\/v3\/pkg\/chartutil\.k8sVersionMinor=36/);
  assert.match(ld, /-X helm\.sh\/helm\/v3\/pkg\/lint\/rules\.k8sVersionMinor=36/);
});

test("helm ldflags without a client-go requirement are an error", () => {
  assert.throws(() => helmLdflags("v3.21.4", "module helm.sh/helm/v3\n"), /no k8s\.io\/client-go/);
});

test("findHelm: SPARKPLANE_HELM wins, and a missing file there is named", () => {
  const dir = mkdtempSync(join(tmpdir(), "helm-find-"));
  const saved = process.env.SPARKPLANE_HELM;
  try {
    const helm = join(dir, "helm");
    writeFileSync(helm, "");
    process.env.SPARKPLANE_HELM = helm;
    assert.deepEqual(findHelm(), { helm, version: "user-provided", source: "user" });
    process.env.SPARKPLANE_HELM = join(dir, "absent");
    assert.throws(() => findHelm(), /SPARKPLANE_HELM=.*absent does not exist/);
  } finally {
    if (saved === undefined) delete process.env.SPARKPLANE_HELM;
    else process.env.SPARKPLANE_HELM = saved;
    rmSync(dir, { recursive: true, force: true });
  }
});

test("findHelm: an empty cache has no helm", () => {
  const dir = mkdtempSync(join(tmpdir(), "helm-cache-"));
  const saved = { cache: process.env.SPARKPLANE_CACHE, helm: process.env.SPARKPLANE_HELM };
  try {
    process.env.SPARKPLANE_CACHE = dir;
    delete process.env.SPARKPLANE_HELM;
    assert.equal(findHelm("v3.21.4"), undefined);
  } finally {
    for (const [key, value] of [
      ["SPARKPLANE_CACHE", saved.cache],
      ["SPARKPLANE_HELM", saved.helm],
    ] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    rmSync(dir, { recursive: true, force: true });
  }
});
