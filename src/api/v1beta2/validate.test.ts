import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { scheduledSparkPi, sparkPiApp, sparkPiSpec } from "./fixtures.test-helpers.js";
import type { DriverSpec, ExecutorSpec, SparkApplicationSpec } from "./sparkapplication.js";
import {
  type ValidationError,
  validateScheduledSparkApplication,
  validateSparkApplication,
} from "./validate.js";

function errorsOf(overrides: Partial<SparkApplicationSpec> = {}, name = "spark-pi"): ValidationError[] {
  const errors = validateSparkApplication(sparkPiApp(overrides, name));
  for (const error of errors) {
    assert.match(error.field, /^(spec|metadata)\./);
    assert.ok(error.message.length > 10, error.message);
  }
  return errors;
}

function fieldsOf(overrides: Partial<SparkApplicationSpec> = {}, name?: string): string[] {
  return errorsOf(overrides, name).map((error) => error.field);
}

const driver = (fields: Partial<DriverSpec>): DriverSpec => ({ ...sparkPiSpec().driver, ...fields });
const executor = (fields: Partial<ExecutorSpec>): ExecutorSpec => ({ ...sparkPiSpec().executor, ...fields });

function messageFor(errors: ValidationError[], field: string): string {
  const error = errors.find((candidate) => candidate.field === field);
  assert.ok(error, `no error on ${field} in ${JSON.stringify(errors)}`);
  return error.message;
}

describe("validateSparkApplication", () => {
  it("accepts a plain SparkPi", () => {
    assert.deepEqual(errorsOf(), []);
  });

  describe("derived names", () => {
    it("accepts a 56-character name", () => {
      assert.deepEqual(fieldsOf({}, "a".repeat(56)), []);
    });
    it("rejects a name whose driver pod and UI service names pass 63 characters", () => {
      const errors = errorsOf({}, "a".repeat(57));
      assert.deepEqual(
        errors.map((error) => error.field),
        ["metadata.name", "metadata.name"],
      );
      assert.match(errors[0]!.message, /driver pod name .*at most 56 characters or set spec.driver.podName/);
      assert.match(errors[1]!.message, /UI service name .*at most 56 characters/);
    });
    it("accepts a long name with an explicit driver pod name, but still checks the UI service", () => {
      assert.deepEqual(fieldsOf({ driver: driver({ podName: "pi-driver" }) }, "a".repeat(57)), [
        "metadata.name",
      ]);
    });
    it("rejects a driver pod name that is too long or not a DNS name", () => {
      assert.deepEqual(fieldsOf({ driver: driver({ podName: "d".repeat(64) }) }), ["spec.driver.podName"]);
      assert.deepEqual(fieldsOf({ driver: driver({ podName: "Driver" }) }), ["spec.driver.podName"]);
    });
    it("points at sparkConf when the pod name comes from spark.kubernetes.driver.pod.name", () => {
      const sparkConf = { "spark.kubernetes.driver.pod.name": "x".repeat(70) };
      assert.deepEqual(fieldsOf({ sparkConf }), ['spec.sparkConf["spark.kubernetes.driver.pod.name"]']);
    });
    it("rejects names the UI Service cannot carry: leading digit, dots", () => {
      assert.match(messageFor(errorsOf({}, "1pi"), "metadata.name"), /"1pi-ui-svc" must start with a letter/);
      assert.deepEqual(fieldsOf({}, "spark.pi"), ["metadata.name"]);
    });
    it("skips the UI Service check when the UI is disabled", () => {
      assert.deepEqual(fieldsOf({ sparkConf: { "spark.ui.enabled": "false" } }, "1pi"), []);
    });
    it("skips name checks for an object without a name yet", () => {
      const app = sparkPiApp();
      delete app.metadata.name;
      assert.deepEqual(validateSparkApplication(app), []);
    });
  });

  describe("application", () => {
    it("needs a main class for Java and Scala apps", () => {
      for (const type of ["Java", "Scala"] as const) {
        assert.match(messageFor(errorsOf({ type, mainClass: undefined }), "spec.mainClass"), /main class/);
        assert.deepEqual(fieldsOf({ type, mainClass: "  " }), ["spec.mainClass"]);
      }
    });
    it("needs no main class for Python and R apps", () => {
      assert.deepEqual(
        fieldsOf({ type: "Python", mainClass: undefined, mainApplicationFile: "local:///pi.py" }),
        [],
      );
      assert.deepEqual(
        fieldsOf({ type: "R", mainClass: undefined, mainApplicationFile: "local:///pi.R" }),
        [],
      );
    });
    it("rejects an empty mainApplicationFile", () => {
      assert.deepEqual(fieldsOf({ mainApplicationFile: " " }), ["spec.mainApplicationFile"]);
    });
    it("needs an image for the driver and the executors", () => {
      const errors = errorsOf({ image: undefined });
      assert.equal(errors.length, 2);
      assert.match(errors[0]!.message, /driver/);
      assert.match(errors[1]!.message, /executor/);
      assert.deepEqual(fieldsOf({ image: undefined, driver: driver({ image: "spark:3.5" }) }), [
        "spec.image",
      ]);
      assert.deepEqual(
        fieldsOf({ image: undefined, sparkConf: { "spark.kubernetes.container.image": "s" } }),
        [],
      );
      const perRole = {
        "spark.kubernetes.driver.container.image": "s",
        "spark.kubernetes.executor.container.image": "s",
      };
      assert.deepEqual(fieldsOf({ image: undefined, sparkConf: perRole }), []);
    });
    it("checks Maven coordinates in deps.packages", () => {
      const packages = ["org.apache.spark:spark-avro_2.12:3.5.2", "spark-avro", "a:b", "a:b:c:d"];
      assert.deepEqual(fieldsOf({ deps: { packages } }), [
        "spec.deps.packages[1]",
        "spec.deps.packages[2]",
        "spec.deps.packages[3]",
      ]);
    });
    it("rejects Python 2 on Spark 3 and later", () => {
      const python = { type: "Python", mainClass: undefined, mainApplicationFile: "local:///pi.py" } as const;
      assert.deepEqual(fieldsOf({ ...python, pythonVersion: "2" }), ["spec.pythonVersion"]);
      assert.deepEqual(fieldsOf({ ...python, pythonVersion: "2", sparkVersion: "2.4.8" }), []);
      assert.deepEqual(fieldsOf({ ...python, pythonVersion: "3" }), []);
    });
    it("rejects a negative timeToLiveSeconds", () => {
      assert.deepEqual(fieldsOf({ timeToLiveSeconds: -1 }), ["spec.timeToLiveSeconds"]);
      assert.deepEqual(fieldsOf({ timeToLiveSeconds: 0 }), []);
    });
    it("rejects spec.nodeSelector together with a pod nodeSelector", () => {
      const nodeSelector = { disk: "ssd" };
      assert.deepEqual(fieldsOf({ nodeSelector, driver: driver({ nodeSelector }) }), ["spec.nodeSelector"]);
      assert.deepEqual(fieldsOf({ nodeSelector, executor: executor({ nodeSelector }) }), [
        "spec.nodeSelector",
      ]);
      assert.deepEqual(fieldsOf({ nodeSelector }), []);
      assert.deepEqual(
        fieldsOf({ driver: driver({ nodeSelector }), executor: executor({ nodeSelector }) }),
        [],
      );
      assert.deepEqual(fieldsOf({ nodeSelector: {}, driver: driver({ nodeSelector }) }), []);
    });
  });

  describe("sparkConf", () => {
    for (const key of ["spark.driver.host", "spark.driver.bindAddress"]) {
      it(`rejects a user-set ${key}`, () => {
        const errors = errorsOf({ sparkConf: { [key]: "0.0.0.0" } });
        assert.match(messageFor(errors, `spec.sparkConf["${key}"]`), /remove it/);
      });
    }
    it("checks memory sizes given in sparkConf", () => {
      const sparkConf = { "spark.executor.memory": "1.5g", "spark.driver.memoryOverhead": "1Gi" };
      assert.deepEqual(fieldsOf({ sparkConf }), [
        'spec.sparkConf["spark.executor.memory"]',
        'spec.sparkConf["spark.driver.memoryOverhead"]',
      ]);
    });
    it("checks memory overhead factors", () => {
      for (const bad of ["abc", "0", "-0.1", ""]) {
        assert.deepEqual(fieldsOf({ memoryOverheadFactor: bad }), ["spec.memoryOverheadFactor"], bad);
        assert.deepEqual(fieldsOf({ sparkConf: { "spark.executor.memoryOverheadFactor": bad } }), [
          'spec.sparkConf["spark.executor.memoryOverheadFactor"]',
        ]);
      }
      assert.deepEqual(fieldsOf({ memoryOverheadFactor: "0.2" }), []);
    });
  });

  describe("driver and executor", () => {
    for (const role of ["driver", "executor"] as const) {
      const pod = role === "driver" ? driver : executor;
      it(`${role}: memory and memoryOverhead are Spark sizes`, () => {
        assert.match(messageFor(errorsOf({ [role]: pod({ memory: "1Gi" }) }), `spec.${role}.memory`), /1g/);
        assert.match(
          messageFor(errorsOf({ [role]: pod({ memory: "1.5g" }) }), `spec.${role}.memory`),
          /1536m/,
        );
        assert.deepEqual(fieldsOf({ [role]: pod({ memoryOverhead: "lots" }) }), [
          `spec.${role}.memoryOverhead`,
        ]);
        assert.deepEqual(fieldsOf({ [role]: pod({ memory: "2048", memoryOverhead: "512m" }) }), []);
      });
      it(`${role}: a heap under 450 MiB cannot start Spark`, () => {
        assert.match(
          messageFor(errorsOf({ [role]: pod({ memory: "256m" }) }), `spec.${role}.memory`),
          /512m/,
        );
        assert.deepEqual(fieldsOf({ [role]: pod({ memory: "450m" }) }), []);
        const sparkConf = { "spark.testing.memory": "536870912" };
        assert.deepEqual(fieldsOf({ sparkConf, [role]: pod({ memory: "256m" }) }), []);
      });
      it(`${role}: coreLimit, coreRequest and memoryLimit are positive Kubernetes quantities`, () => {
        assert.deepEqual(fieldsOf({ [role]: pod({ coreLimit: "1.2 cores" }) }), [`spec.${role}.coreLimit`]);
        assert.deepEqual(fieldsOf({ [role]: pod({ coreLimit: "0" }) }), [`spec.${role}.coreLimit`]);
        assert.deepEqual(fieldsOf({ [role]: pod({ coreRequest: "half" }) }), [`spec.${role}.coreRequest`]);
        assert.deepEqual(fieldsOf({ [role]: pod({ memoryLimit: "2g" }) }), [`spec.${role}.memoryLimit`]);
        assert.deepEqual(
          fieldsOf({ [role]: pod({ coreLimit: "1200m", coreRequest: "500m", memoryLimit: "2Gi" }) }),
          [],
        );
      });
      it(`${role}: memoryLimit must cover memory + overhead`, () => {
        const errors = errorsOf({ [role]: pod({ memory: "1g", memoryLimit: "1Gi" }) });
        assert.match(messageFor(errors, `spec.${role}.memoryLimit`), /1408Mi/);
        assert.deepEqual(fieldsOf({ [role]: pod({ memory: "1g", memoryLimit: "1408Mi" }) }), []);
      });
      it(`${role}: coreLimit must cover the CPU request`, () => {
        assert.deepEqual(fieldsOf({ [role]: pod({ cores: 1, coreLimit: "500m" }) }), [
          `spec.${role}.coreLimit`,
        ]);
        assert.deepEqual(fieldsOf({ [role]: pod({ cores: 2, coreRequest: "500m", coreLimit: "1" }) }), []);
        assert.deepEqual(fieldsOf({ [role]: pod({ coreRequest: "2", coreLimit: "1" }) }), [
          `spec.${role}.coreLimit`,
        ]);
      });
      it(`${role}: a GPU request asks for at least one`, () => {
        const gpu = { name: "nvidia.com/gpu", quantity: 0 };
        assert.deepEqual(fieldsOf({ [role]: pod({ gpu }) }), [`spec.${role}.gpu.quantity`]);
        assert.deepEqual(fieldsOf({ [role]: pod({ gpu: { ...gpu, quantity: 1 } }) }), []);
      });
      it(`${role}: labels are valid Kubernetes labels`, () => {
        const labels = { version: "2.4.0", "bad key": "x", team: "a b", "example.com/tier": "gold" };
        assert.deepEqual(fieldsOf({ [role]: pod({ labels }) }), [
          `spec.${role}.labels["bad key"]`,
          `spec.${role}.labels["team"]`,
        ]);
      });
      it(`${role}: ports have Kubernetes port names and protocols`, () => {
        const ports = [
          { name: "jmx", protocol: "TCP", containerPort: 8090 },
          { name: "a-port-name-too-long", protocol: "TCP", containerPort: 8091 },
          { name: "udp-port", protocol: "udp", containerPort: 8092 },
        ];
        assert.deepEqual(fieldsOf({ [role]: pod({ ports }) }), [
          `spec.${role}.ports[1].name`,
          `spec.${role}.ports[2].protocol`,
        ]);
      });
      it(`${role}: volumeMounts refer to volumes of the spec or of the pod template`, () => {
        const volumeMounts = [
          { name: "data", mountPath: "/data" },
          { name: "scratch", mountPath: "/scratch" },
          { name: "missing", mountPath: "/missing" },
        ];
        const volumes = [{ name: "data", emptyDir: {} }];
        const template = { spec: { containers: [], volumes: [{ name: "scratch", emptyDir: {} }] } };
        const errors = errorsOf({ volumes, [role]: pod({ volumeMounts, template }) });
        assert.deepEqual(
          errors.map((error) => error.field),
          [`spec.${role}.volumeMounts[2].name`],
        );
        assert.match(errors[0]!.message, /"missing".*spec.volumes/);
      });
    }
    it("checks the driver's service labels", () => {
      assert.deepEqual(fieldsOf({ driver: driver({ serviceLabels: { "-x": "y" } }) }), [
        'spec.driver.serviceLabels["-x"]',
      ]);
    });
  });

  describe("dynamic allocation", () => {
    it("keeps initialExecutors between min and max", () => {
      const on = (fields: object) => fieldsOf({ dynamicAllocation: { enabled: true, ...fields } });
      assert.deepEqual(on({ minExecutors: 1, initialExecutors: 2, maxExecutors: 3 }), []);
      assert.deepEqual(on({ minExecutors: 4, maxExecutors: 3 }), ["spec.dynamicAllocation.minExecutors"]);
      assert.deepEqual(on({ minExecutors: 2, initialExecutors: 1 }), [
        "spec.dynamicAllocation.initialExecutors",
      ]);
      assert.deepEqual(on({ initialExecutors: 5, maxExecutors: 3 }), [
        "spec.dynamicAllocation.initialExecutors",
      ]);
    });
    it("ignores the numbers when disabled", () => {
      assert.deepEqual(
        fieldsOf({ dynamicAllocation: { enabled: false, minExecutors: 4, maxExecutors: 3 } }),
        [],
      );
    });
  });

  describe("UI service and ingresses", () => {
    it("checks service ports and labels", () => {
      assert.deepEqual(fieldsOf({ sparkUIOptions: { servicePort: 70000, serviceLabels: { ok: "yes" } } }), [
        "spec.sparkUIOptions.servicePort",
      ]);
      assert.deepEqual(fieldsOf({ sparkUIOptions: { serviceLabels: { "a/b/c": "x" } } }), [
        'spec.sparkUIOptions.serviceLabels["a/b/c"]',
      ]);
      const ingress = { servicePort: 0, servicePortName: "ui", serviceLabels: { x: "-" } };
      assert.deepEqual(
        fieldsOf({ driverIngressOptions: [{ ...ingress, servicePort: 4040, serviceLabels: {} }, ingress] }),
        ["spec.driverIngressOptions[1].servicePort", 'spec.driverIngressOptions[1].serviceLabels["x"]'],
      );
    });
  });
});

describe("validateScheduledSparkApplication", () => {
  it("accepts a plain schedule", () => {
    assert.deepEqual(validateScheduledSparkApplication(scheduledSparkPi()), []);
  });
  it("reports template errors under spec.template", () => {
    const app = scheduledSparkPi();
    app.spec.template.sparkConf = { "spark.driver.host": "x" };
    app.spec.template.executor.memory = "1Gi";
    assert.deepEqual(
      validateScheduledSparkApplication(app).map((error) => error.field),
      ['spec.template.sparkConf["spark.driver.host"]', "spec.template.executor.memory"],
    );
  });
  it("leaves room in the name for the run timestamp", () => {
    assert.deepEqual(validateScheduledSparkApplication(scheduledSparkPi("a".repeat(36))), []);
    const errors = validateScheduledSparkApplication(scheduledSparkPi("a".repeat(37)));
    assert.equal(errors.length, 2);
    assert.match(errors[0]!.message, /runs add 20 characters.*at most 36 characters/);
    const shorterRuns = validateScheduledSparkApplication(scheduledSparkPi("a".repeat(37)), {
      runNameSuffixLength: 11,
    });
    assert.deepEqual(shorterRuns, []);
  });
  it("checks the time zone", () => {
    const app = scheduledSparkPi();
    app.spec.timeZone = "Europe/Paris";
    assert.deepEqual(validateScheduledSparkApplication(app), []);
    app.spec.timeZone = "Mars/Olympus";
    assert.deepEqual(
      validateScheduledSparkApplication(app).map((error) => error.field),
      ["spec.timeZone"],
    );
  });
});
