import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { admissionPolicy, admissionPolicyBinding, GUARDED_RESOURCES } from "./admission-policy.js";
import { Escalation } from "./constants.js";

const SPARK_CONF = {
  serviceAccountKeys: ["spark.kubernetes.authenticate.driver.serviceAccountName"],
  hostPathVolumePrefixes: ["spark.kubernetes.driver.volumes.hostPath."],
};
const policy = admissionPolicy("p", SPARK_CONF);
const spec = policy.spec!;
const variable = (name: string) => spec.variables!.find((v) => v.name === name)!.expression;

/** Parentheses, brackets and braces balance outside quoted strings, and every string is closed. */
function balanced(cel: string): boolean {
  const open: string[] = [];
  const pairs: Record<string, string> = { ")": "(", "]": "[", "}": "{" };
  let quote: string | undefined;
  for (let i = 0; i < cel.length; i++) {
    const c = cel[i]!;
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') quote = c;
    else if ("([{".includes(c)) open.push(c);
    else if (c in pairs && open.pop() !== pairs[c]) return false;
  }
  return quote === undefined && open.length === 0;
}

describe("admission policy", () => {
  it("guards CREATE and UPDATE of the three Spark kinds, not their status subresources", () => {
    const [rule] = spec.matchConstraints!.resourceRules!;
    assert.deepEqual(rule!.operations, ["CREATE", "UPDATE"]);
    assert.deepEqual(rule!.resources, ["sparkapplications", "scheduledsparkapplications", "sparkconnects"]);
    assert.deepEqual([...GUARDED_RESOURCES], rule!.resources);
    assert.ok(rule!.resources!.every((r) => !r.includes("/")));
    assert.equal(spec.failurePolicy, "Fail");
  });

  it("skips metadata-only updates and identities allowed to bypass it (the operator)", () => {
    const conditions = Object.fromEntries(spec.matchConditions!.map((c) => [c.name, c.expression]));
    assert.equal(
      conditions["spec-written"],
      "request.operation == 'CREATE' || object.spec != oldObject.spec",
    );
    assert.match(
      conditions["not-exempt"]!,
      /^!authorizer\.group\('sparkplane\.io'\)\.resource\('admission'\)\.namespace\(request\.namespace\)\.check\('bypass'\)\.allowed\(\)$/,
    );
  });

  it("asks the authorizer about each named ServiceAccount, each escalation, then pods; refusing with Forbidden", () => {
    const validations = spec.validations!;
    // 3 roles x (field, template serviceAccountName, template serviceAccount) + the sparkConf key.
    assert.equal(validations.length, 3 * 3 + 1 + Object.keys(Escalation).length + 1);
    const [first] = validations;
    assert.match(first!.expression, /^size\(variables\.serviceAccounts\) <= 0 \|\| \(authorizer/);
    assert.match(
      first!.expression,
      /resource\('serviceaccounts'\).*\.name\(variables\.serviceAccounts\[0\]\.name\)\.check\('use'\)/,
    );
    assert.match(first!.expression, /check\('impersonate'\)/);
    const privileged = validations.find((v) => v.expression.includes("a.name == 'privileged'"))!;
    assert.match(privileged.expression, /resource\('escalations'\).*\.name\('privileged'\)\.check\('use'\)/);
    assert.match(validations.at(-1)!.expression, /resource\('pods'\).*check\('create'\)/);
    for (const v of validations) assert.equal(v.reason, "Forbidden");
  });

  it("messages name the field, the user, the namespace and the missing permission, without the authorizer", () => {
    const validations = spec.validations!;
    assert.match(
      validations[0]!.messageExpression!,
      /^variables\.serviceAccounts\[0\]\.field \+ ': user ' \+ request\.userInfo\.username \+ ' may not ' \+ 'use ServiceAccount '/,
    );
    assert.match(
      validations[0]!.messageExpression!,
      /"'use' on serviceaccounts\/" \+ variables\.serviceAccounts\[0\]\.name/,
    );
    for (const [name, what] of Object.entries(Escalation)) {
      const v = validations.find((x) => x.expression.includes(`a.name == '${name}'`))!;
      assert.ok(v.messageExpression!.includes(`"'use' on escalations.sparkplane.io/${name}"`), name);
      assert.ok(v.messageExpression!.includes(what.replaceAll("'", "\\'")), name);
    }
    assert.match(validations.at(-1)!.messageExpression!, /may not create pods in namespace/);
    for (const v of validations) assert.ok(!v.messageExpression!.includes("authorizer"));
  });

  it("finds ServiceAccounts in each role's field, its pod template and sparkConf", () => {
    const cel = variable("serviceAccounts");
    for (const role of ["driver", "server", "executor"]) {
      assert.ok(cel.includes(`'${role}.serviceAccount'`), role);
      assert.ok(cel.includes(`'${role}.template.spec.serviceAccountName'`), role);
    }
    assert.ok(cel.includes("k == 'spark.kubernetes.authenticate.driver.serviceAccountName'"));
  });

  it("finds every escalation: privileged, capabilities, hostPath, host namespaces, in roles and templates", () => {
    const cel = variable("escalations");
    for (const field of [
      "driver.securityContext.privileged",
      "executor.securityContext.capabilities.add",
      "driver.hostNetwork",
      "driver.sidecars",
      "executor.initContainers",
      "server.template.spec.containers",
      "executor.template.spec.initContainers",
      "driver.template.spec.ephemeralContainers",
      "driver.template.spec.volumes",
      "executor.template.spec.hostPID",
      "server.template.spec.hostIPC",
    ])
      assert.ok(cel.includes(`'${field}`), field);
    assert.ok(cel.includes("variables.prefix + 'volumes'"), "spec.volumes");
    assert.ok(cel.includes("k.startsWith('spark.kubernetes.driver.volumes.hostPath.')"));
  });

  it("a ScheduledSparkApplication is checked through its template, with paths under spec.template", () => {
    assert.match(variable("app"), /'scheduledsparkapplications' \? object\.spec\.template : object\.spec/);
    assert.match(variable("prefix"), /\? 'spec\.template\.' : 'spec\.'/);
  });

  it("every expression is balanced, and none contains Helm's delimiters", () => {
    const all = [
      ...spec.matchConditions!.map((c) => c.expression),
      ...spec.variables!.map((v) => v.expression),
      ...spec.validations!.flatMap((v) => [v.expression, v.messageExpression!]),
    ];
    for (const cel of all) {
      assert.ok(balanced(cel), cel.slice(0, 200));
      assert.ok(!cel.includes("{{") && !cel.includes("}}"), cel.slice(0, 200));
    }
  });

  it("the binding denies in every namespace", () => {
    assert.deepEqual(admissionPolicyBinding("p").spec, { policyName: "p", validationActions: ["Deny"] });
  });
});
