/**
 * The conformance cases: every file of kubeflow v2.5.2's examples/ and seed 004 (test/data/), what each must
 * come to here, and how its outcome reads in the table. Pure but for reading the files.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

export const DATA_DIR = fileURLToPath(new URL("../../test/data/", import.meta.url));
const SOURCES = ["kubeflow-examples", "seed-004"] as const;
export const APP_KINDS = ["SparkApplication", "ScheduledSparkApplication", "SparkConnect"] as const;

export interface Doc {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [k: string]: unknown };
  [k: string]: unknown;
}

/** What a case must come to: run to COMPLETED with SparkPi's result, or fail at once naming the field and fix. */
export type Expectation =
  | { outcome: "COMPLETED" }
  | { outcome: "FAILED"; message: RegExp; withinSeconds: number }
  /** The API server refuses the file (as `kubectl apply` would), naming the field. */
  | { outcome: "REFUSED"; message: RegExp }
  | { outcome: "SCHEDULED" }
  | { outcome: "READY" };

export interface Case {
  /** Relative to test/data/. */
  file: string;
  /** The namespace it runs in: its own, so the five files whose app is named spark-pi run side by side. */
  namespace: string;
  /** The file's documents, unchanged. */
  docs: Doc[];
  /** The app the outcome is read from. */
  app: Doc;
  expect: Expectation;
}

const AT_ONCE_S = 30;
const batchScheduler = (name: string): Expectation => ({
  outcome: "FAILED",
  message: new RegExp(
    `spec\\.batchScheduler: "${name}" names .* not installed on this cluster.*install it.*SparkQueue`,
  ),
  withinSeconds: AT_ONCE_S,
});

/** Files whose expected outcome is not COMPLETED, by path under test/data/. */
const EXPECTED: Record<string, Expectation> = {
  "kubeflow-examples/spark-pi-kube-scheduler.yaml": batchScheduler("kube-scheduler"),
  "kubeflow-examples/spark-pi-volcano.yaml": batchScheduler("volcano"),
  "kubeflow-examples/spark-pi-yunikorn.yaml": batchScheduler("yunikorn"),
  // `image: {IMAGE_REGISTRY}/...` is a template: YAML reads `{...}` as a mapping, which the CRD's schema refuses.
  "kubeflow-examples/spark-pi-prometheus.yaml": {
    outcome: "REFUSED",
    message: /spec\.image in body must be of type string/,
  },
  "kubeflow-examples/spark-pi-scheduled.yaml": { outcome: "SCHEDULED" },
  "kubeflow-examples/sparkconnect/spark-connect.yaml": { outcome: "READY" },
};

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(".yaml"))
    .map((e) => join(e.parentPath ?? e.path, e.name))
    .sort();
}

/** A DNS label from the file's path: `kf-spark-pi-ttl`, `s4-spark-pi-eci-only`. */
export function namespaceFor(file: string): string {
  const [source, ...rest] = file.split("/");
  const prefix = source === "seed-004" ? "s4" : "kf";
  const base = rest.join("-").replace(/\.yaml$/, "");
  return `${prefix}-${base}`
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, "-")
    .slice(0, 63)
    .replace(/-+$/, "");
}

export function loadCases(dataDir = DATA_DIR): Case[] {
  const cases: Case[] = [];
  for (const source of SOURCES) {
    for (const path of yamlFiles(join(dataDir, source))) {
      const file = relative(dataDir, path);
      const docs = parseAllDocuments(readFileSync(path, "utf8"))
        .map((d) => d.toJS() as Doc | null)
        .filter((d): d is Doc => d !== null);
      const app = docs.find((d) => (APP_KINDS as readonly string[]).includes(d.kind));
      if (!app) continue;
      cases.push({
        file,
        namespace: namespaceFor(file),
        docs,
        app,
        expect: EXPECTED[file] ?? { outcome: "COMPLETED" },
      });
    }
  }
  return cases;
}

/** ConfigMaps and Secrets the examples share (spark-pi-configmap.yaml mounts spark-pi-pod-template.yaml's). */
export function sharedObjects(cases: readonly Case[]): Doc[] {
  return cases.flatMap((c) => c.docs.filter((d) => d.kind === "ConfigMap" || d.kind === "Secret"));
}

/** A document as applied to a case's namespace: unchanged but for metadata.namespace. */
export function inNamespace(doc: Doc, namespace: string): Doc {
  return { ...doc, metadata: { ...doc.metadata, namespace } };
}

export interface Row {
  file: string;
  outcome: string;
  seconds: number;
  detail: string;
}

/** The table docs/conformance.md shows (Markdown). */
export function table(rows: readonly Row[]): string {
  const lines = ["| file | outcome | seconds | detail |", "|---|---|---:|---|"];
  for (const r of rows)
    lines.push(`| ${r.file} | ${r.outcome} | ${r.seconds.toFixed(1)} | ${r.detail.replaceAll("|", "\\|")} |`);
  return lines.join("\n");
}
