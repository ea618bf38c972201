/** What Argo CD and Argo Workflows say about an object, through the provisioned argocheck (tools/argocheck). */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { requireArgocheck } from "../src/local/provision/argocheck.js";

/** test/data/argocd in the checkout (this file runs from dist/test). */
export const ARGOCD_DATA = join(
  import.meta.dirname ?? new URL(".", import.meta.url).pathname,
  "..",
  "..",
  "test",
  "data",
  "argocd",
);
export const SPARKAPP_HEALTH_LUA = join(ARGOCD_DATA, "sparkapplication-health.lua");
/** Our own check for argocd-cm (config/argocd), which also reports suspended applications as Suspended. */
export const SPARKPLANE_HEALTH_LUA = join(
  ARGOCD_DATA,
  "..",
  "..",
  "..",
  "config",
  "argocd",
  "sparkapplication-health.lua",
);

export interface ArgoHealth {
  status?: string;
  message?: string;
  /** The script raised an error (Argo CD reports Unknown with the error as message). */
  scriptError?: boolean;
}

export interface ConditionVerdict {
  /** "failed" (a failure requirement matched), "succeeded" (every success requirement matched), or "waiting". */
  outcome: "failed" | "succeeded" | "waiting";
  failure: boolean;
  success: boolean;
  requirement?: string;
}

/** Argo Workflows' SparkApplication resource-template conditions. */
export const SPARKAPP_SUCCESS_CONDITION = "status.applicationState.state == COMPLETED";
export const SPARKAPP_FAILURE_CONDITION = "status.applicationState.state == FAILED";

function argocheck(args: string[], input: unknown): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(requireArgocheck().argocheck, args, { timeout: 30_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`argocheck ${args[0]} failed: ${stderr || err.message}`));
      else resolve(stdout);
    });
    child.stdin?.end(JSON.stringify(input));
  });
}

/**
 * Runs an Argo CD health script (path) on the object as Argo CD does, and returns its verdict: as a built-in
 * script (standard libraries open), or as a customization from argocd-cm (`customization`: closed).
 */
export async function runHealthLua(
  script: string,
  obj: unknown,
  opts: { customization?: boolean } = {},
): Promise<ArgoHealth> {
  const command = opts.customization ? "health-custom" : "health";
  return JSON.parse(await argocheck([command, script], obj)) as ArgoHealth;
}

/** Evaluates an Argo Workflows resource template's successCondition / failureCondition ("" = not set). */
export async function evaluateConditions(
  successCondition: string,
  failureCondition: string,
  obj: unknown,
): Promise<ConditionVerdict> {
  return JSON.parse(
    await argocheck(["conditions", successCondition, failureCondition], obj),
  ) as ConditionVerdict;
}
