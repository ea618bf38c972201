import type { V1Container, V1Pod } from "@kubernetes/client-node";
import { ConfigError, fieldValue, type PodRuntime, resourceValue } from "./downward.js";

/** The data of a ConfigMap (data + binaryData) or Secret (decoded), or undefined when it does not exist. */
export type DataLookup = (kind: "configMap" | "secret", name: string) => Record<string, Buffer> | undefined;

/** Where pods reach the API server (KUBERNETES_SERVICE_HOST / _PORT). */
export interface ApiEndpoint {
  host: string;
  port: number;
}

/** The names a process environment accepts from Kubernetes (IsEnvVarName). */
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/** The in-cluster API server variables every container gets (the `kubernetes` service's links). */
export function kubernetesServiceEnv(api: ApiEndpoint): Record<string, string> {
  const url = `tcp://${api.host}:${api.port}`;
  const p = `KUBERNETES_PORT_${api.port}_TCP`;
  return {
    KUBERNETES_SERVICE_HOST: api.host,
    KUBERNETES_SERVICE_PORT: String(api.port),
    KUBERNETES_SERVICE_PORT_HTTPS: String(api.port),
    KUBERNETES_PORT: url,
    [p]: url,
    [`${p}_PROTO`]: "tcp",
    [`${p}_PORT`]: String(api.port),
    [`${p}_ADDR`]: api.host,
  };
}

/**
 * Kubernetes' `$(VAR)` expansion: a defined variable is replaced, an undefined reference is kept verbatim,
 * `$$` is an escaped `$` (so `$$(VAR)` gives `$(VAR)`), and any other `$` stays as it is.
 */
export function expand(input: string, vars: (name: string) => string | undefined): string {
  let out = "";
  for (let i = 0; i < input.length; i++) {
    const c = input[i]!;
    if (c !== "$" || i + 1 >= input.length) {
      out += c;
      continue;
    }
    const next = input[i + 1]!;
    if (next === "$") {
      out += "$";
      i += 1;
    } else if (next === "(") {
      const close = input.indexOf(")", i + 2);
      if (close < 0) {
        out += "$(";
        i += 1;
      } else {
        const name = input.slice(i + 2, close);
        out += vars(name) ?? `$(${name})`;
        i = close;
      }
    } else {
      out += c + next;
      i += 1;
    }
  }
  return out;
}

function lookupKey(
  data: DataLookup,
  kind: "configMap" | "secret",
  ref: { name?: string; key: string; optional?: boolean },
): string | undefined {
  const obj = data(kind, ref.name ?? "");
  const what = kind === "configMap" ? "configmap" : "secret";
  if (!obj) {
    if (ref.optional) return undefined;
    throw new ConfigError(`${what} "${ref.name}" not found`);
  }
  const value = obj[ref.key];
  if (value === undefined) {
    if (ref.optional) return undefined;
    throw new ConfigError(
      `couldn't find key ${ref.key} in ${kind === "configMap" ? "ConfigMap" : "Secret"} ${ref.name}`,
    );
  }
  return value.toString("utf8");
}

export interface ResolvedEnv {
  /** In definition order, later definitions of a name replacing earlier ones. */
  env: Record<string, string>;
  /** envFrom keys that are not valid variable names (skipped, as the kubelet does). */
  skipped: string[];
}

/**
 * A container's environment as the kubelet builds it: the `kubernetes` service variables, then envFrom
 * sources in order, then env (which wins), each value `$(VAR)`-expanded against what is defined before it.
 * Throws ConfigError for a missing non-optional ConfigMap/Secret or key (CreateContainerConfigError).
 */
export function resolveEnv(
  pod: V1Pod,
  container: V1Container,
  rt: PodRuntime,
  api: ApiEndpoint,
  data: DataLookup,
): ResolvedEnv {
  const env: Record<string, string> = { ...kubernetesServiceEnv(api) };
  const skipped: string[] = [];
  for (const from of container.envFrom ?? []) {
    const kind = from.configMapRef ? "configMap" : from.secretRef ? "secret" : undefined;
    const ref = from.configMapRef ?? from.secretRef;
    if (!kind || !ref) continue;
    const obj = data(kind, ref.name ?? "");
    if (!obj) {
      if (ref.optional) continue;
      throw new ConfigError(`${kind === "configMap" ? "configmap" : "secret"} "${ref.name}" not found`);
    }
    for (const key of Object.keys(obj).sort()) {
      const name = `${from.prefix ?? ""}${key}`;
      if (!ENV_NAME.test(name)) {
        skipped.push(name);
        continue;
      }
      env[name] = obj[key]!.toString("utf8");
    }
  }
  const lookup = (name: string) => (Object.hasOwn(env, name) ? env[name] : undefined);
  for (const v of container.env ?? []) {
    if (v.valueFrom === undefined) {
      env[v.name] = expand(v.value ?? "", lookup);
      continue;
    }
    const from = v.valueFrom;
    let value: string | undefined;
    if (from.fieldRef) value = fieldValue(pod, from.fieldRef.fieldPath, rt);
    else if (from.resourceFieldRef) {
      const target = from.resourceFieldRef.containerName
        ? [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find(
            (c) => c.name === from.resourceFieldRef!.containerName,
          )
        : container;
      value = resourceValue(
        target,
        from.resourceFieldRef.resource,
        from.resourceFieldRef.divisor as string | undefined,
        rt,
      );
    } else if (from.configMapKeyRef) value = lookupKey(data, "configMap", from.configMapKeyRef);
    else if (from.secretKeyRef) value = lookupKey(data, "secret", from.secretKeyRef);
    else throw new ConfigError(`env ${v.name}: unsupported valueFrom`);
    if (value !== undefined) env[v.name] = value;
  }
  return { env, skipped };
}

/** A container's command and args with `$(VAR)` expanded against its environment (as the kubelet does). */
export function expandCommand(
  container: V1Container,
  env: Record<string, string>,
): { command: string[]; args: string[] } {
  const lookup = (name: string) => (Object.hasOwn(env, name) ? env[name] : undefined);
  return {
    command: (container.command ?? []).map((c) => expand(c, lookup)),
    args: (container.args ?? []).map((a) => expand(a, lookup)),
  };
}

/** The ConfigMaps and Secrets a pod refers to (env, envFrom, volumes), to fetch before it starts. */
export function referencedObjects(pod: V1Pod): { configMaps: string[]; secrets: string[] } {
  const configMaps = new Set<string>();
  const secrets = new Set<string>();
  const containers = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  for (const c of containers) {
    for (const f of c.envFrom ?? []) {
      if (f.configMapRef?.name) configMaps.add(f.configMapRef.name);
      if (f.secretRef?.name) secrets.add(f.secretRef.name);
    }
    for (const v of c.env ?? []) {
      if (v.valueFrom?.configMapKeyRef?.name) configMaps.add(v.valueFrom.configMapKeyRef.name);
      if (v.valueFrom?.secretKeyRef?.name) secrets.add(v.valueFrom.secretKeyRef.name);
    }
  }
  for (const vol of pod.spec?.volumes ?? []) {
    if (vol.configMap?.name) configMaps.add(vol.configMap.name);
    if (vol.secret?.secretName) secrets.add(vol.secret.secretName);
    for (const s of vol.projected?.sources ?? []) {
      if (s.configMap?.name) configMaps.add(s.configMap.name);
      if (s.secret?.name) secrets.add(s.secret.name);
    }
  }
  return { configMaps: [...configMaps].sort(), secrets: [...secrets].sort() };
}
