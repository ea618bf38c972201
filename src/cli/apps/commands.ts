import { PassThrough } from "node:stream";
import { type KubeConfig, Log, type V1Pod } from "@kubernetes/client-node";
import type { Command } from "commander";
import { SparkApplicationNames } from "../../api/v1beta2/constants.js";
import type { SparkApplication } from "../../api/v1beta2/sparkapplication.js";
import { eventsAboutSelector } from "../../kube/event-selector.js";
import {
  type AppFlags,
  appContext,
  driverPodOf,
  pendingDiagnosis,
  requireApp,
  withAppFlags,
} from "./context.js";
import { appsTable, describeApp } from "./format.js";

/** Streams a container's log to stdout through the API server (which asks the node's kubelet endpoint). */
export async function streamLog(
  kc: KubeConfig,
  namespace: string,
  pod: string,
  container: string,
  follow: boolean,
  to: NodeJS.WritableStream = process.stdout,
): Promise<void> {
  const out = new PassThrough();
  out.pipe(to, { end: false });
  const done = new Promise<void>((resolve) => out.on("end", resolve));
  await new Log(kc).log(namespace, pod, container, out, { follow });
  await done;
}

export function executorPodOf(pods: V1Pod[], app: SparkApplication, id: string): V1Pod | undefined {
  return pods.find(
    (p) =>
      p.metadata?.labels?.["spark-exec-id"] === id &&
      p.metadata?.labels?.["spark-app-selector"] === app.status?.sparkApplicationId,
  );
}

export function registerAppCommands(program: Command): void {
  withAppFlags(program.command("get"))
    .description("list SparkApplications (status, attempts, executors)")
    .option("-A, --all-namespaces", "all namespaces")
    .action(async (flags: AppFlags & { allNamespaces?: boolean }) => {
      const ctx = appContext(flags);
      const list = flags.allNamespaces
        ? await ctx.custom.listClusterCustomObject({
            group: ctx.ref.group,
            version: ctx.ref.version,
            plural: ctx.ref.plural,
          })
        : await ctx.custom.listNamespacedCustomObject(ctx.ref);
      const apps = (list as { items: SparkApplication[] }).items;
      console.log(
        apps.length
          ? appsTable(apps)
          : `no SparkApplications in ${flags.allNamespaces ? "any namespace" : `namespace ${ctx.namespace}`}`,
      );
    });

  withAppFlags(program.command("describe").argument("<app>"))
    .description("state, attempts, driver, executors and events of a SparkApplication")
    .action(async (name: string, flags: AppFlags) => {
      const ctx = appContext(flags);
      const app = await requireApp(ctx, name);
      const driver = await driverPodOf(ctx, app);
      const events = await ctx.core.listNamespacedEvent({
        namespace: ctx.namespace,
        fieldSelector: eventsAboutSelector({
          kind: SparkApplicationNames.kind,
          name,
          ...(app.metadata.uid ? { uid: app.metadata.uid } : {}),
        }),
      });
      console.log(describeApp(app, driver, events.items, Date.now(), await pendingDiagnosis(ctx, app)));
    });

  withAppFlags(program.command("logs").argument("<app>"))
    .description("the driver's log (or an executor's), through the API server")
    .option("--executor <id>", "an executor's log instead (its spark-exec-id: 1, 2, ...)")
    .option("-f, --follow", "keep streaming")
    .action(async (name: string, flags: AppFlags & { executor?: string; follow?: boolean }) => {
      const ctx = appContext(flags);
      const app = await requireApp(ctx, name);
      if (flags.executor) {
        const pods = (
          await ctx.core.listNamespacedPod({ namespace: ctx.namespace, labelSelector: "spark-role=executor" })
        ).items;
        const pod = executorPodOf(pods, app, flags.executor);
        if (!pod)
          throw new Error(
            `no executor ${flags.executor} of ${name} is left (executors of finished apps are deleted by Spark)`,
          );
        return streamLog(
          ctx.kc,
          ctx.namespace,
          pod.metadata!.name!,
          "spark-kubernetes-executor",
          Boolean(flags.follow),
        );
      }
      const driver = app.status?.driverInfo?.podName;
      if (!driver)
        throw new Error(`${name} has no driver yet (state ${app.status?.applicationState?.state || "NEW"})`);
      return streamLog(ctx.kc, ctx.namespace, driver, "spark-kubernetes-driver", Boolean(flags.follow));
    });

  withAppFlags(program.command("delete").argument("<app>"))
    .description("delete a SparkApplication and wait until it and its pods are gone")
    .option("--no-wait", "return at once")
    .action(async (name: string, flags: AppFlags & { wait: boolean }) => {
      const ctx = appContext(flags);
      await requireApp(ctx, name);
      await ctx.custom.deleteNamespacedCustomObject({ ...ctx.ref, name });
      if (flags.wait) {
        const deadline = Date.now() + 120_000;
        while (await ctx.get(name)) {
          if (Date.now() > deadline)
            throw new Error(`${name} is still being deleted after 120 s (is the operator running?)`);
          await new Promise((r) => setTimeout(r, 200));
        }
      }
      console.log(`deleted ${ctx.namespace}/${name}`);
    });
}
