import type { V1Taint } from "@kubernetes/client-node";
import { parseKubernetesQuantity } from "../api/quantity.js";
import { ARGOEXEC_IMAGE_REPOSITORY } from "../local/argo/constants.js";

/** What a node offers the scheduler. Quantities as Kubernetes writes them ("16", "64Gi", "110"). */
export interface Capacity {
  cpu: string;
  memory: string;
  pods: string;
  "ephemeral-storage": string;
}

/**
 * Virtual capacity, like virtual-kubelet's defaults: the scheduler fits requests against it, the host is
 * shared. Generous on purpose, so a Spark driver (1 cpu, 1408Mi) and a few executors fit on a laptop.
 */
export const DEFAULT_CAPACITY: Capacity = {
  cpu: "16",
  memory: "64Gi",
  pods: "110",
  "ephemeral-storage": "100Gi",
};

/** One pool of identical nodes: `<name>-0`, `<name>-1`, ... */
export interface NodePool {
  name: string;
  count: number;
  capacity: Capacity;
  labels: Record<string, string>;
  taints: V1Taint[];
}

export type ImageKind = "spark" | "sparkplane" | "argoexec" | "host";
const IMAGE_KINDS: readonly ImageKind[] = ["spark", "sparkplane", "argoexec", "host"];

/**
 * The repository of sparkplane's own operator image (the Helm chart's default `image.repository`): the agent
 * runs it as this checkout's `bin/sparkplane.js`. Another repository (a mirror) needs `--image <pattern>=sparkplane`.
 */
export const SPARKPLANE_IMAGE_REPOSITORY = "ghcr.io/sparkplane/sparkplane";

/** Image rules are tried in order; `pattern` matches the repository (no tag or digest), `*` is a wildcard. */
export interface ImageRule {
  pattern: string;
  kind: ImageKind;
}

const TAINT_EFFECTS = new Set(["NoSchedule", "PreferNoSchedule", "NoExecute"]);
/** Label keys: optional DNS-subdomain prefix and a name of at most 63 characters. */
const LABEL_KEY =
  /^(?:[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(?:[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** Pod IPs are 127.B.N.2..254 per node, so no more than 253 pods fit a node. */
export const MAX_PODS_PER_NODE = 253;

/** `key[=value]:Effect`, e.g. `virtual-kubelet.io/provider=mock:NoSchedule`. */
export function parseTaint(text: string): V1Taint {
  const colon = text.lastIndexOf(":");
  if (colon < 0)
    throw new Error(`taint "${text}" needs an effect: key[=value]:NoSchedule|PreferNoSchedule|NoExecute`);
  const effect = text.slice(colon + 1);
  if (!TAINT_EFFECTS.has(effect)) {
    throw new Error(
      `taint "${text}": effect must be NoSchedule, PreferNoSchedule or NoExecute, not "${effect}"`,
    );
  }
  const kv = text.slice(0, colon);
  const eq = kv.indexOf("=");
  const key = eq < 0 ? kv : kv.slice(0, eq);
  const value = eq < 0 ? undefined : kv.slice(eq + 1);
  if (!LABEL_KEY.test(key)) throw new Error(`taint "${text}": "${key}" is not a valid key`);
  if (value !== undefined && !LABEL_VALUE.test(value))
    throw new Error(`taint "${text}": "${value}" is not a valid value`);
  return value === undefined || value === "" ? { key, effect } : { key, value, effect };
}

/** `k=v` pairs separated by commas or semicolons. */
export function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const part of text.split(/[,;]/).filter((p) => p.trim() !== "")) {
    const eq = part.indexOf("=");
    if (eq < 0) throw new Error(`label "${part}" must look like key=value`);
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (!LABEL_KEY.test(key)) throw new Error(`label "${part}": "${key}" is not a valid label key`);
    if (!LABEL_VALUE.test(value)) throw new Error(`label "${part}": "${value}" is not a valid label value`);
    labels[key] = value;
  }
  return labels;
}

export function parseTaints(text: string): V1Taint[] {
  return text
    .split(/[,;]/)
    .filter((p) => p.trim() !== "")
    .map((p) => parseTaint(p.trim()));
}

function checkQuantity(field: string, value: string): string {
  const n = parseKubernetesQuantity(value);
  if (n === undefined || n <= 0) throw new Error(`${field} "${value}" is not a positive Kubernetes quantity`);
  return value;
}

export function checkCapacity(c: Capacity): Capacity {
  for (const k of ["cpu", "memory", "ephemeral-storage"] as const) checkQuantity(k, c[k]);
  const pods = Number(c.pods);
  if (!Number.isInteger(pods) || pods < 1 || pods > MAX_PODS_PER_NODE) {
    throw new Error(`pods "${c.pods}" must be a whole number from 1 to ${MAX_PODS_PER_NODE}`);
  }
  return c;
}

export function checkPoolName(name: string): string {
  if (!DNS_LABEL.test(name) || name.length > 50) {
    throw new Error(
      `node pool name "${name}" must be a DNS label of at most 50 characters (lowercase, digits, -)`,
    );
  }
  return name;
}

const POOL_FIELDS = new Set([
  "name",
  "count",
  "cpu",
  "memory",
  "pods",
  "ephemeral-storage",
  "labels",
  "taints",
]);

/**
 * A node pool from its CLI form: `name=virtual,count=1,cpu=8,memory=32Gi,pods=50,labels=type=virtual-kubelet,
 * taints=virtual-kubelet.io/provider=mock:NoSchedule`. Lists (labels, taints) continue over commas until the
 * next known field name (`labels=a=1,b=2,taints=...`); `;` always continues a list.
 */
export function parseNodePool(text: string, defaults: Capacity = DEFAULT_CAPACITY): NodePool {
  const fields = new Map<string, string>();
  let current: string | undefined;
  for (const segment of text.split(",")) {
    const eq = segment.indexOf("=");
    const key = eq < 0 ? "" : segment.slice(0, eq).trim();
    if (POOL_FIELDS.has(key)) {
      if (fields.has(key)) throw new Error(`node pool "${text}": ${key} given twice`);
      current = key;
      fields.set(key, segment.slice(eq + 1));
    } else if (current === "labels" || current === "taints") {
      fields.set(current, `${fields.get(current)},${segment}`);
    } else {
      throw new Error(
        `node pool "${text}": unknown field in "${segment}" (known: ${[...POOL_FIELDS].join(", ")})`,
      );
    }
  }
  const name = fields.get("name");
  if (!name) throw new Error(`node pool "${text}" needs a name (name=...)`);
  const countText = fields.get("count") ?? "1";
  const count = Number(countText);
  if (!Number.isInteger(count) || count < 0 || count > 250) {
    throw new Error(`node pool "${name}": count "${countText}" must be a whole number from 0 to 250`);
  }
  return {
    name: checkPoolName(name),
    count,
    capacity: checkCapacity({
      cpu: fields.get("cpu") ?? defaults.cpu,
      memory: fields.get("memory") ?? defaults.memory,
      pods: fields.get("pods") ?? defaults.pods,
      "ephemeral-storage": fields.get("ephemeral-storage") ?? defaults["ephemeral-storage"],
    }),
    labels: parseLabels(fields.get("labels") ?? ""),
    taints: parseTaints(fields.get("taints") ?? ""),
  };
}

/** `pattern=spark|sparkplane|argoexec|host`. */
export function parseImageRule(text: string): ImageRule {
  const eq = text.lastIndexOf("=");
  const kind = text.slice(eq + 1) as ImageKind;
  if (eq <= 0 || !IMAGE_KINDS.includes(kind)) {
    throw new Error(
      `image rule "${text}" must look like <repository pattern>=spark, =sparkplane, =argoexec or =host`,
    );
  }
  return { pattern: text.slice(0, eq), kind };
}

/** The repository part of an image reference: no digest, no tag (a `:` after the last `/`). */
export function imageRepository(image: string): string {
  const noDigest = image.split("@")[0] ?? image;
  const slash = noDigest.lastIndexOf("/");
  const colon = noDigest.lastIndexOf(":");
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

function globMatch(pattern: string, text: string): boolean {
  const re = new RegExp(
    `^${pattern
      .split("*")
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
  );
  return re.test(text);
}

/**
 * How the agent runs an image: `spark` emulates the Spark image's entrypoint with the provisioned Spark;
 * `sparkplane` emulates sparkplane's operator image with this checkout; `argoexec` is Argo Workflows' executor
 * image (the provisioned argoexec on PATH); `host` runs the command with the host's programs. By default a
 * repository ending in `spark` or `spark-py` (apache/spark, spark:3.5.1, gcr.io/spark-operator/spark-py) is a
 * Spark image, SPARKPLANE_IMAGE_REPOSITORY is sparkplane's and ARGOEXEC_IMAGE_REPOSITORY Argo's executor.
 */
export function imageKind(image: string | undefined, rules: readonly ImageRule[] = []): ImageKind {
  const repo = imageRepository(image ?? "");
  for (const rule of rules)
    if (globMatch(rule.pattern, repo) || globMatch(rule.pattern, image ?? "")) return rule.kind;
  if (repo === SPARKPLANE_IMAGE_REPOSITORY) return "sparkplane";
  if (repo === ARGOEXEC_IMAGE_REPOSITORY) return "argoexec";
  return repo.endsWith("spark") || repo.endsWith("spark-py") ? "spark" : "host";
}

/** The pools an agent runs: the given ones, plus a default pool when none is given or `--nodes` is. */
export function resolvePools(opts: {
  name: string;
  nodes?: number;
  capacity?: Partial<Capacity>;
  labels?: Record<string, string>;
  taints?: V1Taint[];
  nodePools?: NodePool[];
}): NodePool[] {
  const pools = [...(opts.nodePools ?? [])];
  if (pools.length === 0 || opts.nodes !== undefined) {
    pools.unshift({
      name: checkPoolName(opts.name),
      count: opts.nodes ?? 1,
      capacity: checkCapacity({ ...DEFAULT_CAPACITY, ...opts.capacity }),
      labels: opts.labels ?? {},
      taints: opts.taints ?? [],
    });
  }
  const names = new Set<string>();
  for (const p of pools) {
    if (names.has(p.name)) throw new Error(`node pool "${p.name}" is given twice`);
    names.add(p.name);
  }
  const total = pools.reduce((n, p) => n + p.count, 0);
  if (total > 250) throw new Error(`an agent runs at most 250 nodes, asked for ${total}`);
  return pools;
}
