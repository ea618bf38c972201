import assert from "node:assert/strict";
import { test } from "node:test";
import { mergeRules } from "./rbac-rule.js";

test("mergeRules: same resources merge their verbs and reasons; others stay apart, in first-seen order", () => {
  const merged = mergeRules([
    {
      owner: "a",
      rules: [
        { rule: { apiGroups: [""], resources: ["pods"], verbs: ["list", "watch"] }, why: "informer." },
        { rule: { apiGroups: [""], resources: ["nodes"], verbs: ["list"] }, why: "nodes." },
      ],
    },
    {
      owner: "b",
      rules: [
        { rule: { apiGroups: [""], resources: ["pods"], verbs: ["watch", "patch"] }, why: "gate." },
        {
          rule: { apiGroups: [""], resources: ["pods"], resourceNames: ["x"], verbs: ["get"] },
          why: "one pod.",
        },
      ],
    },
  ]);
  assert.deepEqual(merged, [
    {
      rule: { apiGroups: [""], resources: ["pods"], verbs: ["list", "watch", "patch"] },
      why: "a: informer. b: gate.",
    },
    { rule: { apiGroups: [""], resources: ["nodes"], verbs: ["list"] }, why: "a: nodes." },
    {
      rule: { apiGroups: [""], resources: ["pods"], resourceNames: ["x"], verbs: ["get"] },
      why: "b: one pod.",
    },
  ]);
});

test("mergeRules does not change the rules it is given", () => {
  const rule = { apiGroups: [""], resources: ["pods"], verbs: ["list"] };
  mergeRules([
    { owner: "a", rules: [{ rule, why: "" }] },
    { owner: "b", rules: [{ rule: { ...rule, verbs: ["get"] }, why: "" }] },
  ]);
  assert.deepEqual(rule.verbs, ["list"]);
});
