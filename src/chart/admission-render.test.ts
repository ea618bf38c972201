import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { parseAllDocuments } from "yaml";
import { admissionPolicy, admissionPolicyBinding } from "../api/sparkplane/admission-policy.js";
import { SPARK_CONF_POD_PRIVILEGES } from "../spark/constants.js";
import { ADMISSION_TEMPLATE_FILE, admissionPolicyTemplate } from "./admission-render.js";
import { CHART_DIR } from "./install.js";

const REPO_ROOT = new URL("../../../", import.meta.url);

/** The template's documents with Helm's lines dropped and inline actions replaced by "x". */
function withoutHelm(template: string) {
  const yaml = template
    .split("\n")
    .filter((line) => !/^\s*\{\{/.test(line))
    .join("\n")
    .replace(/\{\{[^}]*\}\}/g, "x");
  return parseAllDocuments(yaml).map((d) => d.toJS());
}

describe("chart admission policy template", () => {
  it("the committed template is up to date (regenerate with npm run gen:manifests)", () => {
    const committed = readFileSync(new URL(`${CHART_DIR}/${ADMISSION_TEMPLATE_FILE}`, REPO_ROOT), "utf8");
    assert.equal(committed, admissionPolicyTemplate());
  });

  it("reads back as the builder's policy and binding, named per release, only when enabled", () => {
    const template = admissionPolicyTemplate();
    const [policy, binding] = withoutHelm(template);
    assert.deepEqual(policy.spec, admissionPolicy("x", SPARK_CONF_POD_PRIVILEGES).spec);
    assert.deepEqual(binding.spec, admissionPolicyBinding("x").spec);
    assert.equal((template.match(/include "sparkplane\.admissionPolicyName"/g) ?? []).length, 3);
    assert.match(template, /^\{\{- if \.Values\.admissionPolicy\.enabled \}\}$/m);
    assert.match(template, /\{\{- end \}\}\n$/);
  });
});
