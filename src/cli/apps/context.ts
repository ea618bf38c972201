import { CoreV1Api, CustomObjectsApi, type KubeConfig, type V1Pod } from "@kubernetes/client-node";
import type { Command } from "commander";
import { GROUP, OperatorLabel, SparkApplicationNames, VERSION } from "../../api/v1beta2/constants.js";
import type { SparkApplication } from "../../api/v1beta2/sparkapplication.js";
import { BOUND_PODS_FIELD_SELECTOR, diagnosePending, summarizePending } from "../../diagnose/pending.js";
import {
  KUBECONFIG_FLAG_HELP,
  type KubeconfigChoice,
  loadChosenKubeConfig,
  resolveKubeconfig,
} from "../kubeconfig-choice.js";

export interface AppFlags {
  kubeconfig?: string;
  stateDir?: string;
  namespace?: string;
}

/** The flags every app command shares: which cluster, which namespace. */
export function withAppFlags(cmd: Command): Command {
  return cmd
    .option("-n, --namespace <ns>", "namespace (default: the app's, else default)")
    .option("--kubeconfig <path>", KUBECONFIG_FLAG_HELP)
    .option("--state-dir <dir>", "the embedded cluster's state dir (env: SPARKPLANE_STATE_DIR)");
}

export interface AppContext {
  kc: KubeConfig;
  /** Which kubeconfig it is (the embedded cluster's, or another's). */
  kubeconfig: KubeconfigChoice;
  core: CoreV1Api;
  custom: CustomObjectsApi;
  namespace: string;
  ref: { group: string; version: string; plural: string; namespace: string };
  get(name: string): Promise<SparkApplication | undefined>;
}

/** The cluster by `resolveKubeconfig`, the namespace by flag, document, kubeconfig context, else default. */
export function appContext(flags: AppFlags, namespaceFromDoc?: string): AppContext {
  const kubeconfig = resolveKubeconfig(flags);
  const kc = loadChosenKubeConfig(kubeconfig);
  const namespace =
    flags.namespace ??
    namespaceFromDoc ??
    kc.getContextObject(kc.getCurrentContext())?.namespace ??
    "default";
  const custom = kc.makeApiClient(CustomObjectsApi);
  const ref = { group: GROUP, version: VERSION, plural: SparkApplicationNames.plural, namespace };
  return {
    kc,
    kubeconfig,
    core: kc.makeApiClient(CoreV1Api),
    custom,
    namespace,
    ref,
    async get(name) {
      try {
        return (await custom.getNamespacedCustomObject({ ...ref, name })) as SparkApplication;
      } catch (err) {
        if ((err as { code?: number }).code === 404) return undefined;
        throw err;
      }
    },
  };
}

export async function requireApp(ctx: AppContext, name: string): Promise<SparkApplication> {
  const app = await ctx.get(name);
  if (!app)
    throw new Error(
      `no SparkApplication "${name}" in namespace ${ctx.namespace} (list them with \`sparkplane get -n ${ctx.namespace}\`)`,
    );
  return app;
}

/** The app's current driver pod, if the status names one and it still exists. */
export async function driverPodOf(ctx: AppContext, app: SparkApplication): Promise<V1Pod | undefined> {
  const name = app.status?.driverInfo?.podName;
  if (!name) return undefined;
  return ctx.core.readNamespacedPod({ name, namespace: ctx.namespace }).catch(() => undefined);
}

export function age(from: string | Date | undefined, now = Date.now()): string {
  if (!from) return "";
  const s = Math.max(0, Math.round((now - new Date(from).getTime()) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join("   ")
        .trimEnd(),
    )
    .join("\n");
}

export const TERMINAL = new Set(["COMPLETED", "FAILED"]);

/**
 * `diagnosePending` over the live cluster, one line per cause; empty when none of the app's pods is Pending.
 * Lists nodes and bound pods only when there is something to explain.
 */
export async function pendingDiagnosis(ctx: AppContext, app: SparkApplication): Promise<string[]> {
  const pods = (
    await ctx.core.listNamespacedPod({
      namespace: ctx.namespace,
      labelSelector: `${OperatorLabel.AppName}=${app.metadata.name}`,
    })
  ).items;
  if (!pods.some((p) => !p.spec?.nodeName && (p.status?.phase ?? "Pending") === "Pending")) return [];
  const [nodes, bound] = await Promise.all([
    ctx.core.listNode(),
    ctx.core.listPodForAllNamespaces({
      fieldSelector: BOUND_PODS_FIELD_SELECTOR,
    }),
  ]);
  return summarizePending(diagnosePending({ app, pods, nodes: nodes.items, boundPods: bound.items }));
}
