/** The headless driver Service (DriverServiceFeatureStep): executors reach the driver at <name>.<ns>.svc. */
import type { V1Service } from "@kubernetes/client-node";
import { ConfKey, ConfPrefix, SparkLabel, SparkPortName, SparkValue } from "../spark/constants.js";
import { prefixedEntries } from "./conf-volumes.js";
import { SparkFeatureSince, sparkAtLeast } from "./spark-version.js";
import { driverServicePorts } from "./sparkconf.js";

export interface DriverServiceInput {
  name: string;
  namespace: string;
  appId: string;
  /** The SparkConf as spark-submit resolved it. */
  conf: ReadonlyMap<string, string>;
  /** The driver pod's Spark labels (custom and reserved), which the Service selects on. */
  selector: Record<string, string>;
  /** spec.sparkVersion: Spark 4.1+ adds the Spark Connect port. */
  sparkVersion: string;
}

export function buildDriverService(input: DriverServiceInput): V1Service {
  const { conf } = input;
  const ports = driverServicePorts(conf);
  const ipFamilies = (conf.get(ConfKey.DriverServiceIpFamilies) ?? SparkValue.DefaultIpFamilies).split(",");
  const annotations = Object.fromEntries(prefixedEntries(conf, ConfPrefix.DriverServiceAnnotation));
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: {
      name: input.name,
      namespace: input.namespace,
      labels: {
        [SparkLabel.AppId]: input.appId,
        ...Object.fromEntries(prefixedEntries(conf, ConfPrefix.DriverServiceLabel)),
      },
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
    },
    spec: {
      clusterIP: "None",
      ipFamilyPolicy: conf.get(ConfKey.DriverServiceIpFamilyPolicy) ?? SparkValue.DefaultIpFamilyPolicy,
      ipFamilies,
      selector: { ...input.selector },
      ports: [
        { name: SparkPortName.DriverRpc, port: ports.rpc, targetPort: ports.rpc },
        { name: SparkPortName.BlockManager, port: ports.blockManager, targetPort: ports.blockManager },
        { name: SparkPortName.Ui, port: ports.ui, targetPort: ports.ui },
        ...(sparkAtLeast(input.sparkVersion, SparkFeatureSince.ConnectPort)
          ? [
              {
                name: SparkPortName.Connect,
                port: ports.connect,
                targetPort: ports.connect,
                ...(sparkAtLeast(input.sparkVersion, SparkFeatureSince.ConnectPortAppProtocol)
                  ? { appProtocol: "grpc" }
                  : {}),
              },
            ]
          : []),
      ],
    },
  };
}
