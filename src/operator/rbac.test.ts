import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AdmissionPermission } from "../api/sparkplane/constants.js";
import { type ExplainedRule, leaderElectionRules, OPERATOR_RULES, SPARK_DRIVER_RULES } from "./rbac.js";

const KNOWN_VERBS = new Set([
  "get",
  "list",
  "watch",
  "create",
  "update",
  "patch",
  "delete",
  "deletecollection",
]);
const all: ExplainedRule[] = [...OPERATOR_RULES, ...SPARK_DRIVER_RULES, ...leaderElectionRules("lock")];

/** The verbs granted on group/resource by a set of rules (each once). */
function verbsOn(rules: readonly ExplainedRule[], group: string, resource: string): string[] {
  const verbs = rules
    .filter(({ rule }) => rule.apiGroups.includes(group) && rule.resources.includes(resource))
    .flatMap(({ rule }) => rule.verbs);
  return [...new Set(verbs)].sort();
}

describe("RBAC rules", () => {
  it("grant no wildcard, no unknown verb, and every rule says why", () => {
    for (const { rule, why } of all) {
      for (const list of [rule.apiGroups, rule.resources, rule.verbs]) assert.ok(!list.includes("*"));
      const bypass = rule.resources.includes(AdmissionPermission.Bypass.resource);
      for (const verb of rule.verbs) assert.ok(KNOWN_VERBS.has(verb) || (bypass && verb === "bypass"), verb);
      assert.ok(why.length > 20, `rule on ${rule.resources} needs a reason`);
    }
  });

  it("may bypass the admission policy only as the pseudo-resource admission.sparkplane.io", () => {
    const { group, resource, verb } = AdmissionPermission.Bypass;
    assert.deepEqual(verbsOn(OPERATOR_RULES, group, resource), [verb]);
    const bypassing = all.filter(({ rule }) => rule.verbs.includes(verb));
    assert.deepEqual(
      bypassing.map(({ rule }) => [rule.apiGroups, rule.resources]),
      [[[group], [resource]]],
    );
  });

  it("never touch secrets, nodes, namespaces or CRDs (the chart installs the CRDs)", () => {
    const resources = all.flatMap(({ rule }) => rule.resources);
    for (const forbidden of ["secrets", "nodes", "namespaces", "customresourcedefinitions"]) {
      assert.ok(!resources.includes(forbidden), forbidden);
    }
  });

  it("the operator writes SparkApplication status through the subresource only, and never replaces an app", () => {
    assert.deepEqual(verbsOn(OPERATOR_RULES, "sparkoperator.k8s.io", "sparkapplications/status"), ["update"]);
    assert.ok(!verbsOn(OPERATOR_RULES, "sparkoperator.k8s.io", "sparkapplications").includes("update"));
    assert.deepEqual(verbsOn(OPERATOR_RULES, "sparkoperator.k8s.io", "scheduledsparkapplications"), [
      "list",
      "watch",
    ]);
  });

  it("the operator can do what its informers and submitter do, and no more on pods", () => {
    assert.deepEqual(verbsOn(OPERATOR_RULES, "", "pods"), [
      "create",
      "delete",
      "deletecollection",
      "get",
      "list",
      "patch",
      "update",
      "watch",
    ]);
    assert.deepEqual(verbsOn(OPERATOR_RULES, "", "events"), ["create", "patch"]);
    assert.deepEqual(verbsOn(OPERATOR_RULES, "", "configmaps"), ["create", "deletecollection", "get"]);
  });

  it("leader election reads and updates only its own Lease, and creates none (the chart renders it)", () => {
    const rules = leaderElectionRules("sparkplane-controller-lock");
    assert.equal(rules.length, 1);
    assert.deepEqual(rules[0]?.rule.resourceNames, ["sparkplane-controller-lock"]);
    assert.deepEqual(rules[0]?.rule.verbs, ["get", "update"]);
  });

  it("Spark's driver gets only pods, services, configmaps and PVCs, without update", () => {
    assert.deepEqual(SPARK_DRIVER_RULES.flatMap(({ rule }) => rule.resources).sort(), [
      "configmaps",
      "persistentvolumeclaims",
      "pods",
      "services",
    ]);
    for (const { rule } of SPARK_DRIVER_RULES) {
      assert.deepEqual(rule.apiGroups, [""]);
      assert.ok(!rule.verbs.includes("update"));
    }
  });
});
