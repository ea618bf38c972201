import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { withSubmissionHint } from "./submission-hints.js";

const missing = (account: string, ns = "team-a") =>
  `pods "pi-driver" is forbidden: error looking up service account ${ns}/${account}: serviceaccount "${account}" not found`;

describe("withSubmissionHint", () => {
  it('no "spark" account in a new namespace: the RBAC example to apply there, or the field', () => {
    assert.equal(
      withSubmissionHint(missing("spark"), "team-a"),
      `${missing("spark")}; hint: namespace team-a has no ServiceAccount "spark" (\`spec.driver.serviceAccount\`): create it with its rights: \`kubectl apply -n team-a -f examples/spark-rbac.yaml\`, or set \`spec.driver.serviceAccount\` to an account that exists`,
    );
  });

  it("kubeflow's spark-operator-spark: the example creates it too", () => {
    const hinted = withSubmissionHint(missing("spark-operator-spark", "default"), "default");
    assert.match(hinted, /no ServiceAccount "spark-operator-spark" \(`spec\.driver\.serviceAccount`\)/);
    assert.match(
      hinted,
      /create it with its rights: `kubectl apply -n default -f examples\/spark-rbac\.yaml`/,
    );
  });

  it("another account: the field first, and what the example creates", () => {
    const hinted = withSubmissionHint(missing("etl", "default"), "default");
    assert.match(hinted, /set `spec\.driver\.serviceAccount` to an account that exists/);
    assert.match(hinted, /`kubectl apply -n default -f examples\/spark-rbac\.yaml` creates "spark"/);
  });

  it("other errors are left as they are", () => {
    assert.equal(
      withSubmissionHint("pods is forbidden: exceeded quota", "ns"),
      "pods is forbidden: exceeded quota",
    );
  });
});
