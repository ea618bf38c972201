/**
 * The CEL that lists what a Spark spec asks for: the ServiceAccounts it names and the host access
 * (escalations) its pods would get, each as `{'field': <path in the object>, 'name': <account or escalation>}`.
 * Pure text generation for `admission-policy.ts`; the policy then asks the authorizer about each entry.
 *
 * One expression serves every kind: `variables.app` is the Spark spec (`spec`, or a ScheduledSparkApplication's
 * `spec.template`) and `variables.prefix` its path, and the roles driver, server (SparkConnect) and executor are
 * each looked at only when present, so a field a kind does not have is simply absent.
 */
import type { Escalation } from "./constants.js";

/** A place in the object: the CEL of its value and its path (after `variables.prefix`). */
interface Scope {
  value: string;
  path: string;
}

/** The Spark roles with a pod spec: SparkApplication's driver and executor, SparkConnect's server and executor. */
export const SPARK_ROLES = ["driver", "server", "executor"] as const;

const at = (scope: Scope, field: string): Scope => ({
  value: `${scope.value}.${field}`,
  path: scope.path === "" ? field : `${scope.path}.${field}`,
});

/** The CEL string of a scope's path, with `suffix` (CEL) appended at evaluation. */
const fieldOf = (scope: Scope, suffix?: string) =>
  `variables.prefix + '${scope.path}'${suffix ? ` + ${suffix}` : ""}`;

/** `has(v.a) && has(v.a.b) && ...`: each step of `fields` below `scope` is present. */
export function present(scope: Scope, fields: readonly string[]): string {
  const steps: string[] = [];
  let current = scope;
  for (const field of fields) {
    current = at(current, field);
    steps.push(`has(${current.value})`);
  }
  return steps.join(" && ");
}

/** Every value a string: the API server's CEL wants map literals of one value type. */
const ask = (field: string, name: string) => `{'field': string(${field}), 'name': string(${name})}`;
const quote = (text: string) => `'${text}'`;
const concat = (lists: readonly string[]) => (lists.length === 0 ? "[]" : lists.join(" + "));
const when = (condition: string, list: string) => `(${condition} ? ${list} : [])`;

/** A container's name in a path, `[name]` (templates are schemaless: a missing name reads `?`). */
const nameIn = (v: string) => `'[' + (has(${v}.name) ? string(${v}.name) : '?') + ']'`;

/** A securityContext asking for privileged mode, or for added capabilities. */
const privileged = (sc: string) => `has(${sc}.privileged) && ${sc}.privileged == true`;
const addsCapabilities = (sc: string) =>
  `has(${sc}.capabilities) && has(${sc}.capabilities.add) && size(${sc}.capabilities.add) > 0`;

function escalation(name: Escalation): string {
  return quote(name);
}

/** Privileged and capabilities asks of a list of containers at `list`. */
function containerEscalations(list: Scope): string {
  const sc = "c.securityContext";
  const each = (condition: string, field: string, name: Escalation) =>
    `${list.value}.filter(c, has(${sc}) && ${condition}).map(c, ${ask(
      fieldOf(list, `${nameIn("c")} + '.securityContext.${field}'`),
      escalation(name),
    )})`;
  return `(has(${list.value}) ? ${each(privileged(sc), "privileged", "privileged")} + ${each(
    addsCapabilities(sc),
    "capabilities.add",
    "capabilities",
  )} : [])`;
}

/** hostPath volumes of a volume list at `list`. */
function hostPathVolumes(list: Scope): string {
  return `(has(${list.value}) ? ${list.value}.filter(v, has(v.hostPath)).map(v, ${ask(
    fieldOf(list, `${nameIn("v")} + '.hostPath'`),
    escalation("hostPath"),
  )}) : [])`;
}

const HOST_NAMESPACES = ["hostNetwork", "hostPID", "hostIPC"] as const;

/** What a pod spec (a role's `template.spec`) asks for. */
function podSpecEscalations(pod: Scope): string {
  return concat([
    ...HOST_NAMESPACES.map((field) =>
      when(
        `has(${at(pod, field).value}) && ${at(pod, field).value} == true`,
        `[${ask(fieldOf(at(pod, field)), escalation(field))}]`,
      ),
    ),
    hostPathVolumes(at(pod, "volumes")),
    ...["containers", "initContainers", "ephemeralContainers"].map((list) =>
      containerEscalations(at(pod, list)),
    ),
  ]);
}

/** What one role asks for through its own fields (SparkApplication's) and its pod template. */
function roleEscalations(role: Scope): string {
  const sc = at(role, "securityContext");
  const lists = [
    when(
      `${present(role, ["securityContext"])} && ${privileged(sc.value)}`,
      `[${ask(fieldOf(at(sc, "privileged")), escalation("privileged"))}]`,
    ),
    when(
      `${present(role, ["securityContext"])} && ${addsCapabilities(sc.value)}`,
      `[${ask(fieldOf(at(at(sc, "capabilities"), "add")), escalation("capabilities"))}]`,
    ),
    when(
      `has(${at(role, "hostNetwork").value}) && ${at(role, "hostNetwork").value} == true`,
      `[${ask(fieldOf(at(role, "hostNetwork")), escalation("hostNetwork"))}]`,
    ),
    containerEscalations(at(role, "sidecars")),
    containerEscalations(at(role, "initContainers")),
    when(present(role, ["template", "spec"]), `(${podSpecEscalations(at(at(role, "template"), "spec"))})`),
  ];
  return when(`has(${role.value})`, `(${concat(lists)})`);
}

const APP: Scope = { value: "variables.app", path: "" };

/** Every escalation the spec at `variables.app` asks for (spec.volumes and sparkConf host paths included). */
export function escalationsCel(hostPathVolumePrefixes: readonly string[]): string {
  const confHostPath = hostPathVolumePrefixes.map((p) => `k.startsWith(${quote(p)})`).join(" || ");
  return concat([
    hostPathVolumes(at(APP, "volumes")),
    `variables.conf.filter(k, (${confHostPath}) && k.endsWith('.options.path')).map(k, ${ask(
      "variables.prefix + 'sparkConf[' + k + ']'",
      escalation("hostPath"),
    )})`,
    ...SPARK_ROLES.map((role) => roleEscalations(at(APP, role))),
  ]);
}

/** Fields that can name a ServiceAccount (the most entries `serviceAccountsCel` lists). */
export function serviceAccountFieldCount(serviceAccountKeys: readonly string[]): number {
  return SPARK_ROLES.length * 3 + serviceAccountKeys.length;
}

/** Every ServiceAccount the spec at `variables.app` names: role fields, pod templates and sparkConf. */
export function serviceAccountsCel(serviceAccountKeys: readonly string[]): string {
  const named = (scope: Scope) => when(`has(${scope.value})`, `[${ask(fieldOf(scope), scope.value)}]`);
  const roles = SPARK_ROLES.map((name) => {
    const role = at(APP, name);
    const pod = at(at(role, "template"), "spec");
    return when(
      `has(${role.value})`,
      `(${concat([
        named(at(role, "serviceAccount")),
        when(
          present(role, ["template", "spec"]),
          `(${concat([named(at(pod, "serviceAccountName")), named(at(pod, "serviceAccount"))])})`,
        ),
      ])})`,
    );
  });
  const keys = serviceAccountKeys.map((k) => `k == ${quote(k)}`).join(" || ");
  return concat([
    ...roles,
    `variables.conf.filter(k, ${keys}).map(k, ${ask("variables.prefix + 'sparkConf[' + k + ']'", "variables.conf[k]")})`,
  ]);
}
