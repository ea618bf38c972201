/**
 * The SparkConf of a submission. `resolveSubmission` is what spark-submit (SparkSubmitArguments +
 * SparkSubmit.prepareSubmitEnvironment, cluster mode on Kubernetes) makes of a request; `driverProperties`
 * adds what the Kubernetes submission client's feature steps write into spark.properties.
 */
import { posix } from "node:path";
import { ConfKey, SparkPath, SparkPort, SparkValue } from "../spark/constants.js";
import { javaDoubleToString, javaTrim, parseJavaInt, type ResourceType } from "./memory.js";
import type { SubmitRequest } from "./submit-request.js";

export interface ResolvedSubmission {
  /** The SparkConf spark-submit hands to the Kubernetes submission client. */
  conf: Map<string, string>;
  resourceType: ResourceType;
  /** The application file as a URI (absolute paths become `file:` URIs). */
  primaryResource: string;
  mainClass: string;
  appArgs: string[];
  proxyUser?: string;
}

const SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:/;
/** Characters that make `new URI(path)` fail. */
const URI_ILLEGAL = /[\u0000-\u0020"<>\\^`{|}\u007f]/;
/** Characters java.net.URI's multi-argument constructors quote in a path. */
const URI_QUOTED = /[\u0000-\u0020"#%<>\\^`{|}\u007f]/g;

const quote = (text: string) =>
  text.replace(URI_QUOTED, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);

/**
 * Utils.resolveURI: a string with a scheme is kept; an absolute path becomes a `file:` URI (normalised, with
 * illegal characters percent-encoded, a `#fragment` kept when the path parses as a URI). Relative paths,
 * which Spark resolves against the submitter's working directory, are kept as written.
 */
export function resolveUri(path: string): string {
  if (SCHEME.test(path) || !path.startsWith("/")) return path;
  const hash = URI_ILLEGAL.test(path) ? -1 : path.indexOf("#");
  const filePath = hash >= 0 ? path.slice(0, hash) : path;
  const normalised = posix.normalize(filePath).replace(/(.)\/+$/, "$1");
  return `file:${quote(normalised)}${hash >= 0 ? `#${quote(path.slice(hash + 1))}` : ""}`;
}

/** Utils.stringToSeq + resolveURI over a comma-separated list. */
function resolveList(list: string): string {
  return list
    .split(",")
    .map((entry) => javaTrim(entry))
    .filter((entry) => entry !== "")
    .map(resolveUri)
    .join(",");
}

const isPython = (resource: string) => resource.endsWith(".py");
const isR = (resource: string) => resource.endsWith(".R") || resource.endsWith(".r");

/** Utils.checkAndGetK8sMasterUrl: k8s://host:port defaults to https; only http and https are accepted. */
export function checkKubernetesMasterUrl(master: string): string {
  if (!master.startsWith("k8s://")) throw new Error("Kubernetes master URL must start with k8s://.");
  const url = master.slice("k8s://".length);
  if (!url.includes("://")) return `k8s://https://${url}`;
  const scheme = url.slice(0, url.indexOf("://")).toLowerCase();
  if (scheme !== "https" && scheme !== "http") {
    throw new Error(`Invalid Kubernetes master scheme: ${scheme} found in URL: ${url}`);
  }
  return master;
}

export function resolveSubmission(request: SubmitRequest, submitTimeMs: number): ResolvedSubmission {
  const conf = new Map<string, string>();
  for (const [key, value] of request.conf) {
    // spark-submit splits `--conf k=v` at the first '=' and ignores properties outside spark.*
    const pair = `${key}=${value}`;
    const split = pair.indexOf("=");
    const name = pair.slice(0, split);
    if (name.startsWith("spark.")) conf.set(name, pair.slice(split + 1));
  }
  const fromOption = (option: string | undefined, key: string) => {
    const value = option ?? conf.get(key);
    if (value !== undefined) conf.set(key, value);
    return value;
  };
  conf.set(ConfKey.Master, checkKubernetesMasterUrl(request.master));
  conf.set(ConfKey.DeployMode, request.deployMode);
  conf.set(ConfKey.AppName, request.name);
  fromOption(request.packages, ConfKey.Packages);
  fromOption(request.repositories, ConfKey.Repositories);
  fromOption(request.excludePackages, ConfKey.ExcludePackages);
  for (const [option, key] of [
    [request.pyFiles, ConfKey.PyFiles],
    [request.files, ConfKey.Files],
    [request.archives, ConfKey.Archives],
  ] as const) {
    const value = fromOption(option, key);
    if (value !== undefined) conf.set(key, resolveList(value));
  }
  // SparkSubmit always writes spark.submit.pyFiles back (resolved), so it is there, empty, for every app.
  if (!conf.has(ConfKey.PyFiles)) conf.set(ConfKey.PyFiles, "");

  const primaryResource = resolveUri(request.mainApplicationFile);
  const resourceType: ResourceType = isPython(primaryResource)
    ? SparkValue.ResourceTypePython
    : isR(primaryResource)
      ? SparkValue.ResourceTypeR
      : SparkValue.ResourceTypeJava;
  const jars = fromOption(request.jars, ConfKey.Jars);
  const resolvedJars = jars === undefined ? [] : resolveList(jars).split(",").filter(Boolean);
  if (resourceType === SparkValue.ResourceTypeJava && primaryResource !== SparkValue.NoResource) {
    resolvedJars.push(primaryResource);
  }
  if (jars !== undefined || resourceType === SparkValue.ResourceTypeJava)
    conf.set(ConfKey.Jars, resolvedJars.join(","));
  conf.set(ConfKey.SubmitTime, String(submitTimeMs));

  const pythonVersion = conf.get(ConfKey.PysparkPythonVersion);
  if (
    resourceType === SparkValue.ResourceTypePython &&
    pythonVersion !== undefined &&
    pythonVersion !== "3"
  ) {
    throw new Error(
      "Python 2 was dropped from Spark 3.1, and only 3 is allowed in spark.kubernetes.pyspark.pythonVersion.",
    );
  }
  const mainClass =
    resourceType === SparkValue.ResourceTypePython
      ? SparkValue.PythonRunner
      : resourceType === SparkValue.ResourceTypeR
        ? SparkValue.RRunner
        : request.mainClass;
  if (!mainClass) {
    throw new Error(
      `Cannot load main class from JAR ${primaryResource}. Please specify a class through --class (spec.mainClass).`,
    );
  }
  const resolved: ResolvedSubmission = {
    conf,
    resourceType,
    primaryResource,
    mainClass,
    appArgs: [...request.arguments],
  };
  if (request.proxyUser !== undefined) resolved.proxyUser = request.proxyUser;
  return resolved;
}

/** Values of the final spark.properties that the driver objects share. */
export interface DriverPropertiesInput {
  appId: string;
  driverPodName: string;
  serviceName: string;
  namespace: string;
  defaultOverheadFactor: number;
  resourceType: ResourceType;
}

/** Spark's spark.driver.port / spark.driver.blockManager.port / spark.ui.port, as the driver Service uses them. */
export function driverServicePorts(conf: ReadonlyMap<string, string>): {
  rpc: number;
  blockManager: number;
  ui: number;
  connect: number;
} {
  const port = (key: string, fallback: number) => {
    const value = conf.get(key);
    return value === undefined ? fallback : parseJavaInt(value, key);
  };
  return {
    rpc: port(ConfKey.DriverPort, SparkPort.DriverRpc),
    blockManager: port(ConfKey.DriverBlockManagerPort, SparkPort.BlockManager),
    ui: port(ConfKey.UiPort, SparkPort.Ui),
    connect: port(ConfKey.ConnectGrpcBindingPort, SparkPort.Connect),
  };
}

/** The complete spark.properties content: the submitted conf plus the feature steps' system properties. */
export function driverProperties(
  conf: ReadonlyMap<string, string>,
  input: DriverPropertiesInput,
): Map<string, string> {
  for (const reserved of [ConfKey.DriverBindAddress, ConfKey.DriverHost]) {
    if (conf.has(reserved)) {
      throw new Error(
        `${reserved} is not supported in Kubernetes mode: the driver's address is managed by Spark.`,
      );
    }
  }
  const ports = driverServicePorts(conf);
  const properties = new Map(conf);
  properties.set(ConfKey.DriverPodName, input.driverPodName);
  properties.set(ConfKey.AppId, input.appId);
  properties.set(ConfKey.SubmitInDriver, "true");
  properties.set(ConfKey.MemoryOverheadFactor, javaDoubleToString(input.defaultOverheadFactor));
  properties.set(ConfKey.DriverHost, `${input.serviceName}.${input.namespace}.svc`);
  properties.set(ConfKey.DriverPort, String(ports.rpc));
  properties.set(ConfKey.DriverBlockManagerPort, String(ports.blockManager));
  properties.set(ConfKey.ResourceType, input.resourceType);
  const hadoopConfigMap = conf.get(ConfKey.HadoopConfigMapName);
  if (hadoopConfigMap !== undefined) properties.set(ConfKey.ExecutorHadoopConfigMapName, hadoopConfigMap);
  // Every run gets an executor pod template (it carries the owner reference to the SparkApplication).
  properties.set(ConfKey.ExecutorPodTemplateFile, SparkPath.PodTemplateFile);
  return properties;
}
