import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  chooseKubeconfig,
  embeddedKubeconfig,
  type KubeconfigInputs,
  kubeconfigArgs,
} from "./kubeconfig-choice.js";

const EMBEDDED = "/home/u/.local/state/sparkplane/default/kubeconfig";
const HOME = "/home/u/.kube/config";

interface Case {
  flag?: boolean;
  named?: boolean;
  env?: boolean;
  inCluster?: boolean;
  embeddedFile?: boolean;
  running?: boolean;
  home?: boolean;
}

function inputs(c: Case): KubeconfigInputs {
  return {
    ...(c.flag ? { flag: "/flag/kubeconfig" } : {}),
    ...(c.env ? { env: "/env/a:/env/b" } : {}),
    inCluster: Boolean(c.inCluster),
    embedded: {
      path: EMBEDDED,
      exists: Boolean(c.embeddedFile),
      running: Boolean(c.running),
      named: Boolean(c.named),
    },
    home: { path: HOME, exists: Boolean(c.home) },
  };
}

/** What each combination of the inputs chooses, by the precedence alone. */
function expected(c: Case): string {
  if (c.flag) return "flag";
  if (c.named) return c.embeddedFile && c.running ? "embedded" : "none";
  if (c.env) return "env";
  if (c.inCluster) return "in-cluster";
  if (c.embeddedFile && c.running) return "embedded";
  if (c.home) return "home";
  return "none";
}

describe("chooseKubeconfig: flags, KUBECONFIG, in-cluster, the running embedded cluster, ~/.kube/config", () => {
  const keys = ["flag", "named", "env", "inCluster", "embeddedFile", "running", "home"] as const;
  for (let bits = 0; bits < 1 << keys.length; bits++) {
    const c: Case = Object.fromEntries(keys.map((k, i) => [k, Boolean(bits & (1 << i))]));
    const on = keys.filter((k) => c[k]).join(" ") || "nothing";
    test(`${on} -> ${expected(c)}`, () => {
      const choice = chooseKubeconfig(inputs(c));
      assert.equal(choice.kind, expected(c));
      if (choice.kind === "embedded") assert.equal(choice.path, EMBEDDED);
      if (choice.kind !== "none") assert.equal(choice.embedded, choice.kind === "embedded");
    });
  }

  test("a stopped embedded cluster's kubeconfig is never used, even with nothing else", () => {
    for (const home of [false, true]) {
      const choice = chooseKubeconfig(inputs({ embeddedFile: true, running: false, home }));
      assert.notEqual(choice.kind, "embedded");
    }
  });

  test("in a pod on the embedded cluster (its files shared), the pod's own config wins", () => {
    const choice = chooseKubeconfig(
      inputs({ inCluster: true, embeddedFile: true, running: true, home: true }),
    );
    assert.equal(choice.kind, "in-cluster");
  });

  test("the embedded cluster named explicitly is still the embedded one", () => {
    const choice = chooseKubeconfig({ ...inputs({}), flag: EMBEDDED });
    assert.deepEqual(choice, { kind: "flag", path: EMBEDDED, embedded: true });
    const viaEnv = chooseKubeconfig({ ...inputs({}), env: EMBEDDED });
    assert.equal(viaEnv.kind === "env" && viaEnv.embedded, true);
  });

  test("--state-dir names its cluster ahead of KUBECONFIG, and never falls back when it is stopped", () => {
    const running = chooseKubeconfig(inputs({ named: true, env: true, embeddedFile: true, running: true }));
    assert.equal(running.kind, "embedded");
    const stopped = chooseKubeconfig(
      inputs({ named: true, env: true, inCluster: true, embeddedFile: true, home: true }),
    );
    assert.equal(stopped.kind, "none");
    assert.match(stopped.kind === "none" ? stopped.message : "", /not running.*`sparkplane up`/);
  });

  test("nothing available: the message says what to do", () => {
    const stopped = chooseKubeconfig(inputs({ embeddedFile: true }));
    assert.equal(stopped.kind, "none");
    if (stopped.kind !== "none") return;
    assert.match(stopped.message, /embedded cluster is not running/);
    assert.match(stopped.message, /`sparkplane up`/);
    assert.match(stopped.message, /--kubeconfig/);
    const nothing = chooseKubeconfig(inputs({}));
    assert.equal(nothing.kind, "none");
    if (nothing.kind !== "none") return;
    assert.match(nothing.message, /no cluster to talk to/);
    assert.match(nothing.message, /`sparkplane up`/);
    assert.match(nothing.message, /--kubeconfig/);
  });
});

describe("embeddedKubeconfig (commands for the embedded cluster only)", () => {
  test("only while it runs", () => {
    assert.deepEqual(embeddedKubeconfig({ path: EMBEDDED, exists: true, running: true }), { path: EMBEDDED });
    const stopped = embeddedKubeconfig({ path: EMBEDDED, exists: true, running: false });
    assert.ok("message" in stopped && /not running.*`sparkplane up`/.test(stopped.message));
    const none = embeddedKubeconfig({ path: EMBEDDED, exists: false, running: false });
    assert.ok("message" in none && /no embedded cluster.*`sparkplane up`/.test(none.message));
  });
});

describe("kubeconfigArgs (kubectl, helm, argo)", () => {
  test("a file is passed; KUBECONFIG and in-cluster config the tool finds itself", () => {
    assert.deepEqual(kubeconfigArgs({ kind: "embedded", path: EMBEDDED, embedded: true }), [
      "--kubeconfig",
      EMBEDDED,
    ]);
    assert.deepEqual(kubeconfigArgs({ kind: "home", path: HOME, embedded: false }), ["--kubeconfig", HOME]);
    assert.deepEqual(kubeconfigArgs({ kind: "env", paths: "/a:/b", embedded: false }), []);
    assert.deepEqual(kubeconfigArgs({ kind: "in-cluster", embedded: false }), []);
  });
});
