import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import type { V1Pod } from "@kubernetes/client-node";
import { stringify } from "yaml";
import { withDefaults } from "../../api/v1beta2/defaults.js";
import type { SparkApplication } from "../../api/v1beta2/sparkapplication.js";
import { chooseSparkVersion } from "../../spark/version-choice.js";
import { submissionIdentity } from "../../submit/names.js";
import { buildDriverPodTemplate, buildExecutorPodTemplate } from "../../submit/pod-templates.js";
import { buildSparkSubmitArgs } from "../../submit/spark-submit-args.js";
import { run } from "../../util/run.js";
import { Semaphore } from "../../util/semaphore.js";
import type { SubmitAction, SubmitResult } from "../controllers/sparkapplication/decide/index.js";
import type { Submitter } from "./submitter.js";

/** One installed Spark's spark-submit. */
export interface SparkSubmitInstall {
  version: string;
  sparkSubmit: string;
  sparkHome: string;
}

export interface SparkSubmitOptions {
  /** The default spark-submit (for a spec.sparkVersion no install in `others` serves better). */
  sparkSubmit: string;
  sparkHome: string;
  /** The default's Spark version, and further installs: spec.sparkVersion picks among them (chooseSparkVersion). */
  version?: string;
  others?: readonly SparkSubmitInstall[];
  /** spark.master, `k8s://https://host:port`. */
  master: string;
  /** Passed to spark-submit as KUBECONFIG (its Kubernetes client reads credentials from it). */
  kubeconfigPath?: string;
  timeoutMs: number;
  /**
   * spark-submit JVMs running at once (default: the machine's CPUs). More only thrash: ten JVMs on two cores
   * all ran into the timeout. The timeout counts from a JVM's start, not from its wait for a place.
   */
  maxConcurrent?: number;
}

/**
 * The reference and fallback: runs the real spark-submit (one JVM per submission) with an argv built from the
 * same spec. Arguments travel as an argv array, never through a shell; pod templates go to temporary files.
 */
export class SparkSubmitSubmitter implements Submitter {
  readonly name = "spark-submit" as const;

  private readonly jvms: Semaphore;

  constructor(private readonly opts: SparkSubmitOptions) {
    this.jvms = new Semaphore(opts.maxConcurrent ?? availableParallelism());
  }

  /** The spark-submit of the Spark spec.sparkVersion names (the default when none fits better). */
  installFor(sparkVersion: string): SparkSubmitInstall {
    const main = {
      version: this.opts.version ?? "",
      sparkSubmit: this.opts.sparkSubmit,
      sparkHome: this.opts.sparkHome,
    };
    const all = [main, ...(this.opts.others ?? [])];
    const chosen = chooseSparkVersion(
      sparkVersion,
      all.map((i) => i.version),
    );
    return all.find((i) => i.version === chosen) ?? main;
  }

  async submit(app: SparkApplication, action: SubmitAction): Promise<SubmitResult> {
    const identity = submissionIdentity({
      uid: app.metadata.uid ?? "",
      namespace: app.metadata.namespace ?? "default",
      name: app.metadata.name ?? "",
      attempt: action.attempt,
      generation: app.metadata.generation,
      now: action.requestedAt,
    });
    const defaulted = { ...app, spec: withDefaults(app.spec) };
    const dir = mkdtempSync(join(tmpdir(), "sparkplane-submit-"));
    try {
      const template = (name: string, pod: V1Pod) => {
        const path = join(dir, name);
        writeFileSync(path, stringify(pod));
        return path;
      };
      const driverTemplate = template("driver-template.yaml", buildDriverPodTemplate(defaulted));
      const executorTemplate = template("executor-template.yaml", buildExecutorPodTemplate(defaulted));
      const argv = buildSparkSubmitArgs(defaulted, {
        master: this.opts.master,
        submissionId: identity.submissionId,
        driverPodTemplateFile: driverTemplate,
        executorPodTemplateFile: executorTemplate,
      });
      const install = this.installFor(app.spec.sparkVersion);
      const env: NodeJS.ProcessEnv = { ...process.env, SPARK_HOME: install.sparkHome };
      if (this.opts.kubeconfigPath) env.KUBECONFIG = this.opts.kubeconfigPath;
      const r = await this.jvms.run(() =>
        run(install.sparkSubmit, argv, { env, timeoutMs: this.opts.timeoutMs }),
      );
      if (r.code !== 0) {
        const tail = (r.stderr || r.stdout).trim().split("\n").slice(-8).join("\n");
        const why = r.code === 137 ? `timed out after ${this.opts.timeoutMs} ms` : `exited with ${r.code}`;
        return { ok: false, error: `spark-submit ${why}: ${tail}`, submissionId: identity.submissionId };
      }
      return { ok: true, submissionId: identity.submissionId, driverPodName: action.driverPodName };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
