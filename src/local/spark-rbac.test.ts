import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { SparkDriverRbac } from "../spark/constants.js";
import { examplesSourceDir } from "./provision/examples.js";
import { renamed } from "./spark-rbac.js";
import { yamlDocs } from "./yaml-objects.js";

const docs = () => yamlDocs(join(examplesSourceDir(), "spark-rbac.yaml"));
const names = (kind: string, d = docs()) => d.filter((o) => o.kind === kind).map((o) => o.metadata?.name);

test("examples/spark-rbac.yaml: this project's account and kubeflow's, both bound to the driver's Role", () => {
  assert.deepEqual(names("ServiceAccount"), [
    SparkDriverRbac.ServiceAccount,
    SparkDriverRbac.KubeflowServiceAccount,
  ]);
  const binding = docs().find((o) => o.kind === "RoleBinding") as unknown as { subjects: { name: string }[] };
  assert.deepEqual(
    binding.subjects.map((s) => s.name),
    [SparkDriverRbac.ServiceAccount, SparkDriverRbac.KubeflowServiceAccount],
  );
});

test("renamed: one account of another name, its own Role and RoleBinding", () => {
  const one = renamed(docs(), "notebook");
  assert.deepEqual(names("ServiceAccount", one), ["notebook"]);
  assert.deepEqual(names("Role", one), ["spark-driver-notebook"]);
  const binding = one.find((o) => o.kind === "RoleBinding") as unknown as {
    subjects: { name: string }[];
    roleRef: { name: string };
  };
  assert.deepEqual(
    binding.subjects.map((s) => s.name),
    ["notebook"],
  );
  assert.equal(binding.roleRef.name, "spark-driver-notebook");
});
