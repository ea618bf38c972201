/**
 * The spark-submit argv for a SparkApplication, in the kubeflow operator's order: --master, --deploy-mode,
 * --class, --name, dependencies, --conf pairs, --proxy-user, the application file and its arguments.
 * Used by the spark-submit submitter (reference and fallback) and to compare against native submission.
 *
 * sparkplane has no mutating webhook, so a spark-submit run needs the pod templates of pod-templates.ts
 * (buildDriverPodTemplate / buildExecutorPodTemplate) written to files and passed in the context.
 */
import type { SparkApplication } from "../api/v1beta2/sparkapplication.js";
import { buildSubmitRequest, type SubmitRequest, type SubmitRequestContext } from "./submit-request.js";

const DEPENDENCY_FLAGS = [
  ["jars", "--jars"],
  ["packages", "--packages"],
  ["excludePackages", "--exclude-packages"],
  ["repositories", "--repositories"],
  ["pyFiles", "--py-files"],
  ["files", "--files"],
  ["archives", "--archives"],
] as const;

export function sparkSubmitArgv(request: SubmitRequest): string[] {
  const argv = ["--master", request.master, "--deploy-mode", request.deployMode];
  if (request.mainClass !== undefined) argv.push("--class", request.mainClass);
  argv.push("--name", request.name);
  for (const [field, flag] of DEPENDENCY_FLAGS) {
    const value = request[field];
    if (value !== undefined) argv.push(flag, value);
  }
  for (const [key, value] of request.conf) argv.push("--conf", `${key}=${value}`);
  if (request.proxyUser !== undefined) argv.push("--proxy-user", request.proxyUser);
  argv.push(request.mainApplicationFile, ...request.arguments);
  return argv;
}

/** spark-submit arguments (without the spark-submit executable itself) for this application. */
export function buildSparkSubmitArgs(app: SparkApplication, context: SubmitRequestContext): string[] {
  return sparkSubmitArgv(buildSubmitRequest(app, context));
}
