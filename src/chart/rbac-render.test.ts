import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { parse } from "yaml";
import {
  CLUSTER_RULES,
  CONSOLE_RULES,
  leaderElectionRules,
  NODE_STATS_RULES,
  OPERATOR_RULES,
  SPARK_DRIVER_RULES,
} from "../operator/rbac.js";
import { CHART_DIR } from "./install.js";
import { RULES_TEMPLATE_FILE, rbacTable, rulesTemplate, ruleYaml, withRbacTable } from "./rbac-render.js";

const REPO_ROOT = new URL("../../../", import.meta.url);
const committed = (path: string) => readFileSync(new URL(`${CHART_DIR}/${path}`, REPO_ROOT), "utf8");

describe("chart RBAC rendering", () => {
  it("the committed _rbac-rules.tpl is up to date (regenerate with npm run gen:manifests)", () => {
    assert.equal(committed(RULES_TEMPLATE_FILE), rulesTemplate());
  });

  it("the committed README's RBAC table is up to date (regenerate with npm run gen:manifests)", () => {
    const readme = committed("README.md");
    assert.equal(readme, withRbacTable(readme));
  });

  it("a rule renders as YAML that reads back as the rule", () => {
    for (const { rule } of [...OPERATOR_RULES, ...SPARK_DRIVER_RULES, ...leaderElectionRules("x-lock")]) {
      assert.deepEqual(parse(ruleYaml(rule)), [rule]);
    }
  });

  it("the Lease name becomes the chart's helper, not a literal", () => {
    const template = rulesTemplate();
    assert.match(template, /resourceNames: \[\{\{ include "sparkplane\.leaseName" \. \| quote \}\}\]/);
    assert.doesNotMatch(template, /\$LEASE_NAME/);
  });

  it("the template defines the six rule sets the chart includes", () => {
    const defined = [...rulesTemplate().matchAll(/\{\{- define "([^"]+)" \}\}/g)].map((m) => m[1]);
    assert.deepEqual(defined, [
      "sparkplane.rules.operator",
      "sparkplane.rules.cluster",
      "sparkplane.rules.nodeStats",
      "sparkplane.rules.leaderElection",
      "sparkplane.rules.sparkDriver",
      "sparkplane.rules.console",
    ]);
  });

  it("the table has one row per rule and escapes pipes", () => {
    const rows = rbacTable().split("\n").slice(2);
    assert.equal(
      rows.length,
      OPERATOR_RULES.length +
        CLUSTER_RULES.length +
        NODE_STATS_RULES.length +
        leaderElectionRules("x").length +
        SPARK_DRIVER_RULES.length +
        CONSOLE_RULES.length,
    );
    for (const row of rows) assert.equal(row.split(/(?<!\\)\|/).length, 7, row);
  });

  it("a README without the markers is an error naming them", () => {
    assert.throws(() => withRbacTable("# no table\n"), /rbac-table:begin/);
  });
});
