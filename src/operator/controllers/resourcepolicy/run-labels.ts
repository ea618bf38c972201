/** The labels a run's driver and executor pods get, computed as the submitter computes them. */
import type { SparkApplication } from "../../../api/v1beta2/sparkapplication.js";
import { ConfPrefix, SparkLabel, SparkRole } from "../../../spark/constants.js";
import { buildSubmitRequest } from "../../../submit/submit-request.js";

export interface RunPodLabels {
  driver: Record<string, string>;
  executor: Record<string, string>;
}

export function runPodLabels(app: SparkApplication, submissionId: string): RunPodLabels {
  const request = buildSubmitRequest(app, { master: "k8s://https://placeholder:443", submissionId });
  const driver: Record<string, string> = {};
  const executor: Record<string, string> = {};
  for (const [key, value] of request.conf) {
    if (key.startsWith(ConfPrefix.DriverLabel)) driver[key.slice(ConfPrefix.DriverLabel.length)] = value;
    if (key.startsWith(ConfPrefix.ExecutorLabel))
      executor[key.slice(ConfPrefix.ExecutorLabel.length)] = value;
  }
  driver[SparkLabel.Role] = SparkRole.Driver;
  executor[SparkLabel.Role] = SparkRole.Executor;
  return { driver, executor };
}
