/** SparkApplications for the submit tests. */
import type { SparkApplication, SparkApplicationSpec } from "../api/v1beta2/sparkapplication.js";
import { type SubmissionIdentity, submissionIdentity } from "./names.js";

export const MASTER = "k8s://https://10.96.0.1:443";
export const SUBMIT_TIME = Date.UTC(2025, 0, 2, 3, 4, 5);

/** The classic SparkPi, with the overrides merged into its spec. */
export function javaApp(spec: Partial<SparkApplicationSpec> = {}, name = "spark-pi"): SparkApplication {
  return {
    apiVersion: "sparkoperator.k8s.io/v1beta2",
    kind: "SparkApplication",
    metadata: { name, namespace: "team-a", uid: "6f1c2d3e-0000-4000-8000-000000000001" },
    spec: {
      type: "Scala",
      mode: "cluster",
      sparkVersion: "3.5.3",
      image: "spark:3.5.3",
      mainClass: "org.apache.spark.examples.SparkPi",
      mainApplicationFile: "local:///opt/spark/examples/jars/spark-examples.jar",
      arguments: ["1000"],
      driver: { cores: 1, memory: "1g" },
      executor: { cores: 1, instances: 2, memory: "1g" },
      ...spec,
    },
  };
}

/** A PySpark app (no main class). */
export function pythonApp(spec: Partial<SparkApplicationSpec> = {}): SparkApplication {
  const app = javaApp({ type: "Python", mainApplicationFile: "local:///opt/app/pi.py", ...spec }, "py-pi");
  if (!("mainClass" in spec)) delete app.spec.mainClass;
  return app;
}

export function identityOf(app: SparkApplication, attempt = 1): SubmissionIdentity {
  return submissionIdentity({
    uid: app.metadata.uid ?? "",
    namespace: app.metadata.namespace ?? "",
    name: app.metadata.name ?? "",
    attempt,
    now: SUBMIT_TIME,
  });
}
