/** An RBAC rule with the reason it is granted: what each controller declares it needs (see rbac.ts). */
export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  /** Set only where RBAC can restrict by name (not for create, list or watch). */
  resourceNames?: string[];
}

export interface ExplainedRule {
  rule: PolicyRule;
  /** Which code path needs each verb. */
  why: string;
}

/** What one controller needs: in the namespaces it watches, and cluster-scoped (always a ClusterRole). */
export interface ControllerRbac {
  namespaced?: readonly ExplainedRule[];
  cluster?: readonly ExplainedRule[];
}

const ruleKey = (r: PolicyRule) => JSON.stringify([r.apiGroups, r.resources, r.resourceNames ?? null]);

/**
 * The rules of several owners as one list: rules on the same resources merge (their verbs in first-seen
 * order, their reasons prefixed with the owner), the resources in first-seen order.
 */
export function mergeRules(
  owned: readonly { owner: string; rules: readonly ExplainedRule[] }[],
): ExplainedRule[] {
  const merged = new Map<string, ExplainedRule>();
  for (const { owner, rules } of owned) {
    for (const { rule, why } of rules) {
      const key = ruleKey(rule);
      const said = `${owner}: ${why}`;
      const seen = merged.get(key);
      if (!seen) {
        merged.set(key, { rule: { ...rule, verbs: [...rule.verbs] }, why: said });
        continue;
      }
      for (const verb of rule.verbs) if (!seen.rule.verbs.includes(verb)) seen.rule.verbs.push(verb);
      seen.why = `${seen.why} ${said}`;
    }
  }
  return [...merged.values()];
}
