import assert from "node:assert/strict";
import { test } from "node:test";
import { stagingVersion } from "../versions.js";
import { kubernetesBuilderGoMod, kubernetesLdflags } from "./kubernetes.js";

const upstream = `module k8s.io/kubernetes

go 1.26.0

godebug default=go1.26

require (
	k8s.io/api v0.0.0
	k8s.io/client-go v0.0.0
)

replace (
	k8s.io/api => ./staging/src/k8s.io/api
	k8s.io/client-go => ./staging/src/k8s.io/client-go
	k8s.io/kube-openapi => k8s.io/kube-openapi v0.0.0-2025
)
`;

test("the builder go.mod pins every staging module to v0.Y.Z and keeps go/godebug lines", () => {
  const mod = kubernetesBuilderGoMod("v1.36.3", upstream);
  assert.match(mod, /^module sparkplane\.local\/kubebuilder$/m);
  assert.match(mod, /^go 1\.26\.0$/m);
  assert.match(mod, /^godebug default=go1\.26$/m);
  assert.match(mod, /^require k8s\.io\/kubernetes v1\.36\.3$/m);
  assert.match(mod, /^replace k8s\.io\/api => k8s\.io\/api v0\.36\.3$/m);
  assert.match(mod, /^replace k8s\.io\/client-go => k8s\.io\/client-go v0\.36\.3$/m);
  assert.doesNotMatch(mod, /kube-openapi/, "non-staging replaces are not copied");
});

test("a go.mod without staging replaces is an error, not an empty builder", () => {
  assert.throws(() => kubernetesBuilderGoMod("v1.36.3", "module x\n"), /no staging replaces/);
});

test("ldflags stamp the real release into component-base and client-go", () => {
  const ld = kubernetesLdflags("v1.36.3");
  assert.match(ld, /-X k8s\.io\/component-base\/version\.gitVersion=v1\.36\.3/);
  assert.match(ld, /-X k8s\.io\/component-base\/version\.gitMinor=36/);
  assert.match(ld, /-X k8s\.io\/client-go\/pkg\/version\.gitVersion=v1\.36\.3/);
  assert.match(ld, /^-s -w /);
});

test("stagingVersion maps v1.Y.Z to v0.Y.Z and rejects other shapes", () => {
  assert.equal(stagingVersion("v1.36.3"), "v0.36.3");
  assert.throws(() => stagingVersion("1.36"), /SPARKPLANE_K8S_VERSION/);
});
