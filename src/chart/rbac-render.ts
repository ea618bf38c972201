/**
 * The chart's RBAC rules and the README's RBAC table, rendered from src/operator/rbac.ts (pure; written by
 * scripts/gen-manifests.mjs, checked by a test to be up to date).
 */
import {
  CLUSTER_RULES,
  CONSOLE_RULES,
  type ExplainedRule,
  LEASE_NAME_PLACEHOLDER,
  leaderElectionRules,
  NODE_STATS_RULES,
  OPERATOR_RULES,
  type PolicyRule,
  SPARK_DRIVER_RULES,
} from "../operator/rbac.js";

export const RULES_TEMPLATE_FILE = "templates/_rbac-rules.tpl";
export const README_RBAC_BEGIN = "<!-- rbac-table:begin (generated from src/operator/rbac.ts) -->";
export const README_RBAC_END = "<!-- rbac-table:end -->";

const LEASE_NAME_TEMPLATE = '{{ include "sparkplane.leaseName" . | quote }}';

const flow = (values: readonly string[]) => `[${values.map((v) => JSON.stringify(v)).join(", ")}]`;

/** One rule as a YAML list item (flow sequences, so the template has no indentation to get wrong). */
export function ruleYaml(rule: PolicyRule): string {
  const lines = [
    `- apiGroups: ${flow(rule.apiGroups)}`,
    `  resources: ${flow(rule.resources)}`,
    ...(rule.resourceNames ? [`  resourceNames: ${flow(rule.resourceNames)}`] : []),
    `  verbs: ${flow(rule.verbs)}`,
  ];
  return lines.join("\n").replaceAll(JSON.stringify(LEASE_NAME_PLACEHOLDER), LEASE_NAME_TEMPLATE);
}

function define(name: string, rules: readonly ExplainedRule[]): string {
  // The body starts with a newline: `rules:\n{{- include ... }}` then puts the first item on its own line.
  return `{{- define "${name}" }}\n${rules.map((r) => ruleYaml(r.rule)).join("\n")}\n{{- end }}\n`;
}

export function rulesTemplate(): string {
  return [
    "{{/* Generated from src/operator/rbac.ts by `npm run gen:manifests`. Do not edit. */}}\n",
    define("sparkplane.rules.operator", OPERATOR_RULES),
    define("sparkplane.rules.cluster", CLUSTER_RULES),
    define("sparkplane.rules.nodeStats", NODE_STATS_RULES),
    define("sparkplane.rules.leaderElection", leaderElectionRules(LEASE_NAME_PLACEHOLDER)),
    define("sparkplane.rules.sparkDriver", SPARK_DRIVER_RULES),
    define("sparkplane.rules.console", CONSOLE_RULES),
  ].join("\n");
}

const cell = (text: string) => text.replaceAll("|", "\\|");
const code = (values: readonly string[]) => values.map((v) => `\`${v}\``).join(", ");

function tableRows(scope: string, rules: readonly ExplainedRule[]): string[] {
  return rules.map(({ rule, why }) => {
    const group = rule.apiGroups.map((g) => (g === "" ? "core" : g)).join(", ");
    const names = rule.resourceNames ? ` (only ${code(rule.resourceNames)})` : "";
    return `| ${scope} | ${group} | ${code(rule.resources)}${names} | ${code(rule.verbs)} | ${cell(why)} |`;
  });
}

/** The README's table: every rule the chart grants, where, and which code path needs it. */
export function rbacTable(): string {
  return [
    "| granted in | API group | resources | verbs | why (code path) |",
    "|---|---|---|---|---|",
    ...tableRows("job namespaces (ClusterRole when all)", OPERATOR_RULES),
    ...tableRows("cluster (always a ClusterRole)", CLUSTER_RULES),
    ...tableRows("cluster, with controller.nodeStatsInterval > 0", NODE_STATS_RULES),
    ...tableRows(
      "release namespace, with leader election",
      leaderElectionRules("<fullname>-controller-lock"),
    ),
    ...tableRows("job namespaces: the Spark driver's Role", SPARK_DRIVER_RULES),
    ...tableRows("cluster, with console.enabled: the console's ClusterRole", CONSOLE_RULES),
  ].join("\n");
}

/** The README with its RBAC table replaced; throws when the markers are missing. */
export function withRbacTable(readme: string): string {
  const begin = readme.indexOf(README_RBAC_BEGIN);
  const end = readme.indexOf(README_RBAC_END);
  if (begin < 0 || end < begin) {
    throw new Error(`the chart README needs the lines ${README_RBAC_BEGIN} and ${README_RBAC_END}`);
  }
  return `${readme.slice(0, begin + README_RBAC_BEGIN.length)}\n${rbacTable()}\n${readme.slice(end)}`;
}
