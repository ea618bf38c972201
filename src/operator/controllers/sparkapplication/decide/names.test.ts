import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { driver, runStatus, sparkApp } from "./fixtures.test-helpers.js";
import {
  driverPodNameFor,
  driverPodNameToObserve,
  executorPodSelector,
  uiServiceNameFor,
  uiServicePorts,
  webUIAddress,
} from "./names.js";
import { formatTime, parseTime } from "./status.js";

describe("names", () => {
  it("observes the recorded driver pod, else the one the next submission creates", () => {
    assert.equal(driverPodNameFor(sparkApp()), "pi-driver");
    assert.equal(driverPodNameToObserve(sparkApp()), "pi-driver");
    const recorded = sparkApp({ status: runStatus("RUNNING", { driverInfo: { podName: "pi-abc-driver" } }) });
    assert.equal(driverPodNameToObserve(recorded), "pi-abc-driver");
  });

  it("names the UI service <app>-ui-svc, shortening names Kubernetes would refuse", () => {
    assert.equal(uiServiceNameFor(sparkApp()), "pi-ui-svc");
    const long = uiServiceNameFor(sparkApp({ name: "a".repeat(70) }));
    assert.ok(long.length <= 63, long);
    assert.match(long, /^a+-[0-9a-f]{8}-ui-svc$/);
    assert.notEqual(long, uiServiceNameFor(sparkApp({ name: "a".repeat(71) })));
  });

  it("derives UI ports as kubeflow does", () => {
    assert.deepEqual(uiServicePorts(sparkApp()), {
      port: 4040,
      portName: "spark-driver-ui-port",
      targetPort: 4040,
    });
    assert.deepEqual(uiServicePorts(sparkApp({ spec: { sparkConf: { "spark.ui.port": "4050" } } })), {
      port: 4050,
      portName: "spark-driver-ui-port",
      targetPort: 4050,
    });
    assert.deepEqual(
      uiServicePorts(sparkApp({ spec: { sparkConf: { "spark.ui.port": "4050" }, sparkUIOptions: {} } })),
      { port: 4040, portName: "spark-driver-ui-port", targetPort: 4050 },
    );
    assert.equal(
      uiServicePorts(sparkApp({ spec: { sparkConf: { "spark.ui.port": "x" } } })).targetPort,
      4040,
    );
  });

  it("addresses the UI as kubeflow does: the Service's cluster IP and port", () => {
    assert.equal(webUIAddress("10.96.12.34", 4040), "10.96.12.34:4040");
    assert.equal(webUIAddress("fd00:10:96::1f", 80), "fd00:10:96::1f:80");
  });

  it("selects the executors of the current run once its id is known", () => {
    assert.equal(executorPodSelector(sparkApp(), undefined), undefined);
    assert.equal(
      executorPodSelector(sparkApp(), driver("Running")),
      "spark-role=executor,spark-app-selector=spark-app-1",
    );
    const known = sparkApp({ status: runStatus("RUNNING", { sparkApplicationId: "spark-9" }) });
    assert.equal(executorPodSelector(known, undefined), "spark-role=executor,spark-app-selector=spark-9");
  });
});

describe("status times", () => {
  it("are RFC 3339 with whole seconds", () => {
    assert.equal(formatTime(Date.UTC(2025, 0, 1, 12, 0, 0, 999)), "2025-01-01T12:00:00Z");
    assert.equal(parseTime("2025-01-01T12:00:00Z"), Date.UTC(2025, 0, 1, 12));
    assert.equal(parseTime("not a time"), undefined);
    assert.equal(parseTime(undefined), undefined);
  });
});
