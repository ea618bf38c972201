import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { V1Pod } from "@kubernetes/client-node";
import { NO_SUCH_FILE_LOG } from "../../../../spark/stack-traces.test-helpers.js";
import { executor, pod } from "./fixtures.test-helpers.js";
import {
  appStateForDriverState,
  driverFailureMessage,
  driverStateOf,
  executorFailureDetails,
  executorIdFromName,
  executorStateOf,
  isExecutorPod,
  isTerminalPodState,
  sparkApplicationIdOf,
  submissionIdOf,
} from "./pod-state.js";

describe("driverStateOf", () => {
  it("follows the pod phase", () => {
    assert.equal(driverStateOf(pod({ name: "d", phase: "Pending" })), "PENDING");
    assert.equal(driverStateOf(pod({ name: "d", phase: "Running" })), "RUNNING");
    assert.equal(
      driverStateOf(pod({ name: "d", phase: "Succeeded", terminated: { exitCode: 0 } })),
      "COMPLETED",
    );
    assert.equal(driverStateOf(pod({ name: "d", phase: "Failed", terminated: { exitCode: 1 } })), "FAILED");
    assert.equal(driverStateOf(pod({ name: "d", phase: "Unknown" })), "UNKNOWN");
  });

  it("is UNKNOWN without a phase", () => {
    assert.equal(driverStateOf({ metadata: { name: "d" } }), "UNKNOWN");
  });

  it("sees a finished driver container in a pod kept Running by a sidecar", () => {
    const sidecar = {
      name: "sidecar",
      image: "x",
      imageID: "",
      ready: true,
      restartCount: 0,
      state: { running: {} },
    };
    const done = pod({
      name: "d",
      phase: "Running",
      terminated: { exitCode: 0 },
      extraContainerStatuses: [sidecar],
    });
    const failed = pod({
      name: "d",
      phase: "Running",
      terminated: { exitCode: 3 },
      extraContainerStatuses: [sidecar],
    });
    assert.equal(driverStateOf(done), "COMPLETED");
    assert.equal(driverStateOf(failed), "FAILED");
  });

  it("counts a Failed pod whose driver container exited 0 as completed", () => {
    assert.equal(
      driverStateOf(pod({ name: "d", phase: "Failed", terminated: { exitCode: 0 } })),
      "COMPLETED",
    );
  });

  it("counts a Failed pod without container status as failed", () => {
    const evicted: ReturnType<typeof pod> = {
      metadata: { name: "d" },
      status: { phase: "Failed", reason: "Evicted" },
    };
    assert.equal(driverStateOf(evicted), "FAILED");
  });

  it("uses the only container when it is not named spark-kubernetes-driver", () => {
    const renamed = pod({ name: "d", phase: "Running", terminated: { exitCode: 0 }, containerName: "main" });
    assert.equal(driverStateOf(renamed), "COMPLETED");
  });
});

describe("executorStateOf", () => {
  it("follows the pod phase", () => {
    assert.equal(executorStateOf(executor("e", "Pending")), "PENDING");
    assert.equal(executorStateOf(executor("e", "Running")), "RUNNING");
    assert.equal(executorStateOf(executor("e", "Succeeded")), "COMPLETED");
    assert.equal(executorStateOf(executor("e", "Failed")), "FAILED");
    assert.equal(executorStateOf(executor("e", "Unknown")), "UNKNOWN");
  });

  it("counts an executor stopped by SIGTERM after its pod was deleted as completed, any other failure as failed", () => {
    const ended = (exitCode: number, deleted: boolean): V1Pod => {
      const pod = executor("e", "Failed");
      return {
        ...pod,
        metadata: { ...pod.metadata, ...(deleted ? { deletionTimestamp: new Date() } : {}) },
        status: {
          ...pod.status,
          containerStatuses: [
            {
              name: "spark-kubernetes-executor",
              image: "spark",
              imageID: "",
              ready: false,
              restartCount: 0,
              state: { terminated: { exitCode } },
            },
          ],
        },
      };
    };
    assert.equal(executorStateOf(ended(143, true)), "COMPLETED", "stopped by the driver's deletion");
    assert.equal(executorStateOf(ended(143, false)), "FAILED", "SIGTERM from elsewhere");
    assert.equal(executorStateOf(ended(1, true)), "FAILED", "a real failure while being deleted");
    assert.equal(executorStateOf(ended(137, true)), "FAILED", "killed (e.g. out of memory)");
  });
});

describe("appStateForDriverState", () => {
  it("maps driver states to application states", () => {
    assert.equal(appStateForDriverState("PENDING"), "SUBMITTED");
    assert.equal(appStateForDriverState("RUNNING"), "RUNNING");
    assert.equal(appStateForDriverState("COMPLETED"), "SUCCEEDING");
    assert.equal(appStateForDriverState("FAILED"), "FAILING");
    assert.equal(appStateForDriverState("UNKNOWN"), "UNKNOWN");
  });
});

describe("isTerminalPodState", () => {
  it("is true for COMPLETED and FAILED only", () => {
    assert.deepEqual(
      ["PENDING", "RUNNING", "COMPLETED", "FAILED", "UNKNOWN", undefined].map(isTerminalPodState),
      [false, false, true, true, false, false],
    );
  });
});

describe("driverFailureMessage", () => {
  it("names exit code, reason and message", () => {
    const failed = pod({
      name: "d",
      phase: "Failed",
      terminated: { exitCode: 137, reason: "OOMKilled", message: "out of memory\n" },
    });
    assert.equal(
      driverFailureMessage(failed),
      "driver container failed with ExitCode: 137, Reason: OOMKilled, Message: out of memory",
    );
  });

  it("falls back to the pod's reason and message without a container status", () => {
    const evicted: ReturnType<typeof pod> = {
      metadata: { name: "d" },
      status: { phase: "Failed", reason: "Evicted", message: "The node was low on resource: memory." },
    };
    assert.equal(
      driverFailureMessage(evicted),
      "driver container status missing, Reason: Evicted, Message: The node was low on resource: memory.",
    );
  });

  it("a Java stack trace in the message: the exception's headline first, then the last frames", () => {
    // The kubelet's tail of the log: the last 2048 bytes, which begin inside the trace.
    const tail = NO_SUCH_FILE_LOG.slice(NO_SUCH_FILE_LOG.indexOf("Exception in thread"));
    const failed = pod({
      name: "d",
      phase: "Failed",
      terminated: { exitCode: 1, reason: "Error", message: tail },
    });
    const message = driverFailureMessage(failed);
    assert.match(
      message,
      /^driver container failed with ExitCode: 1, Reason: Error, Message: Exception in thread "main" org\.apache\.spark\.SparkException: Failed to get main class/,
    );
    const lines = message.split("\n");
    assert.equal(
      lines[1],
      "Caused by: java.nio.file.NoSuchFileException: /opt/spark/examples/jars/spark-examples.jar",
    );
    assert.equal(lines.at(-1), "\t... 7 more");
    assert.doesNotMatch(message, /ShutdownHookManager/);
  });

  it("omits missing parts", () => {
    assert.equal(
      driverFailureMessage(pod({ name: "d", phase: "Failed", terminated: { exitCode: 1 } })),
      "driver container failed with ExitCode: 1",
    );
  });
});

describe("executorFailureDetails", () => {
  it("reads the executor container", () => {
    const failed = executor("e", "Failed", "a", {
      terminated: { exitCode: 143, reason: "Error", message: "killed" },
    });
    assert.deepEqual(executorFailureDetails(failed), { exitCode: 143, reason: "Error", message: "killed" });
  });

  it("reads the legacy executor container name", () => {
    const failed = executor("e", "Failed", "a", { terminated: { exitCode: 1 }, containerName: "executor" });
    assert.equal(executorFailureDetails(failed).exitCode, 1);
  });

  it("uses unambiguous placeholders without a container status", () => {
    assert.deepEqual(executorFailureDetails({ metadata: { name: "e" }, status: { phase: "Failed" } }), {
      exitCode: -1,
      reason: "Unknown (Container not Found)",
      message: "",
    });
  });
});

describe("pod labels", () => {
  it("reads role, application id and submission id", () => {
    const p = executor("e", "Running", "spark-123", { submissionId: "sub-1" });
    assert.equal(isExecutorPod(p), true);
    assert.equal(isExecutorPod(pod({ name: "d" })), false);
    assert.equal(sparkApplicationIdOf(p), "spark-123");
    assert.equal(submissionIdOf(p), "sub-1");
    assert.equal(sparkApplicationIdOf({ metadata: { labels: { "spark-app-selector": "" } } }), undefined);
    assert.equal(submissionIdOf({}), undefined);
  });

  it("parses executor ids from pod names", () => {
    assert.equal(executorIdFromName("pi-1a2b3c-exec-12"), 12);
    assert.equal(executorIdFromName("weird-name"), 0);
  });
});

describe("a driver container that never starts", () => {
  const waiting = (reason: string, message?: string): V1Pod => ({
    metadata: { name: "d" },
    status: {
      phase: "Pending",
      containerStatuses: [
        {
          name: "spark-kubernetes-driver",
          image: "apache/spark:4.0.4",
          imageID: "",
          ready: false,
          restartCount: 0,
          state: { waiting: message === undefined ? { reason } : { reason, message } },
        },
      ],
    },
  });
  const refusal =
    "spec.sparkVersion: Spark 4.0.4 (the pod's spark-version label) is not provisioned on this node, which has Spark 3.5.9: run `sparkplane provision` to add Spark 4.3.0";

  it("has failed (the node agent refuses a Spark version it has not provisioned with ErrImageNeverPull)", () => {
    assert.equal(driverStateOf(waiting("ErrImageNeverPull", refusal)), "FAILED");
    assert.equal(driverStateOf(waiting("InvalidImageName")), "FAILED");
    assert.equal(
      driverFailureMessage(waiting("ErrImageNeverPull", refusal)),
      `driver container cannot start, Reason: ErrImageNeverPull, Message: ${refusal}`,
    );
  });

  it("but a wait the kubelet resolves by itself is still PENDING", () => {
    for (const reason of [
      "ContainerCreating",
      "CreateContainerConfigError",
      "ErrImagePull",
      "ImagePullBackOff",
    ])
      assert.equal(driverStateOf(waiting(reason)), "PENDING", reason);
  });
});
