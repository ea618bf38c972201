/**
 * The Spark Connect server jar for Spark 3.5 (from 4.0 it ships in Spark's own jars), fetched from Maven
 * Central at provisioning time, checked against Maven's SHA-1, and cached; never fetched while a session
 * starts. The agent maps the cached directory into Spark-image pods at SparkPath.ConnectJarsDir.
 */
import { createHash } from "node:crypto";
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SparkPath } from "../../spark/constants.js";
import { cacheDir } from "../paths.js";
import { SPARK_VERSION } from "../versions.js";
import { readStamp, writeStamp } from "./stamp.js";

export const MAVEN_CENTRAL = process.env.SPARKPLANE_MAVEN_URL ?? "https://repo1.maven.org/maven2";
export const SPARK_CONNECT_SCALA = "2.12";
const ARTIFACT = `spark-connect_${SPARK_CONNECT_SCALA}`;
const ARTIFACT_DIR = `${MAVEN_CENTRAL}/org/apache/spark/${ARTIFACT}`;

export interface SparkConnectJar {
  /** Holds the jar only; mapped whole into pods. */
  dir: string;
  jar: string;
  /** The spark-connect version fetched: the Spark version, or the newest earlier patch of its line on Maven. */
  version: string;
  sparkVersion: string;
}

function installDir(sparkVersion: string): string {
  return join(cacheDir(), "spark", `connect-${sparkVersion}`);
}

export function jarName(version: string): string {
  return `${ARTIFACT}-${version}.jar`;
}

export function findSparkConnect(sparkVersion = SPARK_VERSION): SparkConnectJar | undefined {
  if (!sparkVersion.startsWith("3.")) return undefined;
  const stamp = readStamp<SparkConnectJar>(join(installDir(sparkVersion), "complete.json"));
  return stamp?.sparkVersion === sparkVersion ? stamp : undefined;
}

/**
 * The version to fetch: the Spark version itself when Maven has it, else the newest earlier patch of the
 * same minor line (the Connect protocol and the server's use of Spark's internals are stable within a line).
 */
export function chooseConnectVersion(sparkVersion: string, published: readonly string[]): string | undefined {
  if (published.includes(sparkVersion)) return sparkVersion;
  const [major, minor, patch] = sparkVersion.split(".").map(Number);
  const candidates = published
    .map((v) => [v, v.split(".").map(Number)] as const)
    .filter(([, p]) => p.length === 3 && p[0] === major && p[1] === minor && p[2]! < patch!)
    .sort((a, b) => b[1][2]! - a[1][2]!);
  return candidates[0]?.[0];
}

/** The versions listed in a maven-metadata.xml. */
export function publishedVersions(metadataXml: string): string[] {
  return [...metadataXml.matchAll(/<version>([^<]+)<\/version>/g)].map((m) => m[1]!);
}

async function get(url: string): Promise<Buffer> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}

export async function installSparkConnect(
  sparkVersion = SPARK_VERSION,
  detail: (s: string) => void = () => {},
): Promise<SparkConnectJar> {
  const metadata = (await get(`${ARTIFACT_DIR}/maven-metadata.xml`)).toString("utf8");
  const version = chooseConnectVersion(sparkVersion, publishedVersions(metadata));
  if (!version)
    throw new Error(
      `Maven Central has no org.apache.spark:${ARTIFACT} for Spark ${sparkVersion}'s line: set SPARKPLANE_SPARK_VERSION to a published 3.5 release`,
    );
  if (version !== sparkVersion)
    detail(`org.apache.spark:${ARTIFACT}:${sparkVersion} is not on Maven Central; using ${version}`);
  const name = jarName(version);
  detail(`fetching org.apache.spark:${ARTIFACT}:${version} (about 14 MB)`);
  const jar = await get(`${ARTIFACT_DIR}/${version}/${name}`);
  const sha1 = (await get(`${ARTIFACT_DIR}/${version}/${name}.sha1`)).toString("utf8").trim().split(/\s+/)[0];
  const actual = createHash("sha1").update(jar).digest("hex");
  if (actual !== sha1) throw new Error(`${name}: SHA-1 ${actual} differs from Maven's ${sha1}`);
  const dir = installDir(sparkVersion);
  const jarsDir = join(dir, "jars");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(jarsDir, { recursive: true });
  // A fixed name: the server's spark.jars names it without knowing which patch release was fetched.
  const target = join(jarsDir, SparkPath.ConnectJarFileName);
  writeFileSync(`${target}.part`, jar);
  renameSync(`${target}.part`, target);
  const installed: SparkConnectJar = { dir: jarsDir, jar: target, version, sparkVersion };
  writeStamp(join(dir, "complete.json"), installed);
  return installed;
}
