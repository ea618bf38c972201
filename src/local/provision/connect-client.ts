/**
 * pyspark's Spark Connect client for this host: a virtualenv in the cache with the client's extra
 * dependencies, pinned, and the provisioned pyspark on its path (a .pth file, so the 320 MB install is
 * shared, never downloaded twice). Made on first use (`sparkplane connect --python`, the tests).
 */
import { existsSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { runChecked } from "../../util/run.js";
import { cacheDir } from "../paths.js";
import type { SparkInstall } from "./spark.js";

/** pyspark 3.5's connect extras (its setup.py minimums), pinned to releases known to work together. */
export const CONNECT_CLIENT_PINS = [
  "grpcio==1.62.3",
  "grpcio-status==1.62.3",
  "protobuf==4.25.5",
  "googleapis-common-protos==1.63.2",
  "pandas==2.2.3",
  "numpy==1.26.4",
  "pyarrow==17.0.0",
] as const;

/** pyspark 4.3's connect extras (its minimums; protobuf at least its generated code's 6.33.5). */
export const CONNECT_CLIENT_PINS_4 = [
  "grpcio==1.76.0",
  "grpcio-status==1.76.0",
  "protobuf==6.33.5",
  "googleapis-common-protos==1.71.0",
  "zstandard==0.25.0",
  "pandas==2.2.3",
  "numpy==1.26.4",
  "pyarrow==18.1.0",
] as const;

/** The pins for a Spark's client: 3.5's or 4's. */
export function connectClientPins(spark: SparkInstall): readonly string[] {
  return spark.version.startsWith("3.") || spark.source === "user"
    ? CONNECT_CLIENT_PINS
    : CONNECT_CLIENT_PINS_4;
}

export function connectClientDir(spark: SparkInstall): string {
  return join(cacheDir(), `connect-client-${spark.version}`);
}

/** The interpreter of the client virtualenv (created and checked when absent). */
export async function ensureConnectClient(spark: SparkInstall): Promise<string> {
  const dir = connectClientDir(spark);
  const python = join(dir, "bin", "python");
  const stamp = join(dir, ".installed");
  if (existsSync(stamp)) return python;
  await runChecked(spark.python, ["-m", "venv", dir]);
  await runChecked(join(dir, "bin", "pip"), [
    "install",
    "--no-input",
    "--disable-pip-version-check",
    ...connectClientPins(spark),
  ]);
  const site = (
    await runChecked(python, ["-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])
  ).stdout.trim();
  // pyspark's package directory is SPARK_HOME; its parent is the provisioned site-packages.
  writeFileSync(join(site, "sparkplane-pyspark.pth"), `${dirname(spark.sparkHome)}\n`);
  await runChecked(python, ["-c", "import pyspark.sql.connect.session, pandas, pyarrow, grpc"]);
  writeFileSync(stamp, `${connectClientPins(spark).join("\n")}\n`);
  return python;
}
