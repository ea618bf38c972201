import assert from "node:assert/strict";
import { test } from "node:test";
import { controlPlaneComponents, OPERATOR_NODE_FLAGS, sparkplaneComponents } from "./components.js";
import { statePaths } from "./paths.js";

const bin = {
  etcd: "/b/etcd",
  kubeApiserver: "/b/kube-apiserver",
  kubeScheduler: "/b/kube-scheduler",
  kubeControllerManager: "/b/kcm",
};
const ports = { etcdClient: 1001, etcdPeer: 1002, apiserver: 1003, scheduler: 1004, controllerManager: 1005 };
const specs = controlPlaneComponents(bin, statePaths("/state"), ports);
const byName = Object.fromEntries(specs.map((s) => [s.name, s]));

test("components start in dependency order", () => {
  assert.deepEqual(
    specs.map((s) => s.name),
    ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler"],
  );
});

test("everything binds to loopback on its own ports, so clusters can run side by side", () => {
  const all = specs.flatMap((s) => s.args).join(" ");
  assert.doesNotMatch(all, /(^|[^\d.])0\.0\.0\.0/, "no wildcard bind address");
  assert.ok(byName["etcd"]!.args.includes("--listen-client-urls=http://127.0.0.1:1001"));
  assert.ok(byName["kube-apiserver"]!.args.includes("--secure-port=1003"));
  assert.ok(byName["kube-apiserver"]!.args.includes("--etcd-servers=http://127.0.0.1:1001"));
  assert.ok(byName["kube-scheduler"]!.args.includes("--secure-port=1004"));
  assert.ok(byName["kube-controller-manager"]!.args.includes("--secure-port=1005"));
});

test("every path lies inside the state dir (pid ownership checks rely on it)", () => {
  for (const s of specs)
    assert.ok(
      s.args.some((a) => a.includes("=/state/")),
      `${s.name} mentions the state dir`,
    );
});

test("service accounts: the apiserver signs and verifies, the controller-manager has the key and root CA", () => {
  const api = byName["kube-apiserver"]!.args;
  assert.ok(api.includes("--service-account-signing-key-file=/state/pki/sa.key"));
  assert.ok(api.includes("--service-account-key-file=/state/pki/sa.pub"));
  assert.ok(api.includes("--authorization-mode=Node,RBAC"));
  const kcm = byName["kube-controller-manager"]!.args;
  assert.ok(kcm.includes("--service-account-private-key-file=/state/pki/sa.key"));
  assert.ok(kcm.includes("--root-ca-file=/state/pki/ca.crt"));
  assert.ok(kcm.includes("--leader-elect=false"));
});

test("Go profiling endpoints are off unless asked for (benchmarks turn them on)", () => {
  const goComponents = ["kube-apiserver", "kube-controller-manager", "kube-scheduler"];
  for (const name of goComponents) assert.ok(byName[name]!.args.includes("--profiling=false"), name);
  const profiled = controlPlaneComponents(bin, statePaths("/state"), ports, { profiling: true });
  for (const s of profiled.filter((c) => goComponents.includes(c.name)))
    assert.ok(s.args.includes("--profiling=true"), s.name);
});

test("the operator runs with the node flags that keep its memory small; the agent without them", async () => {
  const own = await sparkplaneComponents(statePaths("/state"), { operator: true, agent: true });
  const operator = own.find((s) => s.name === "operator")!;
  assert.deepEqual(operator.args.slice(0, OPERATOR_NODE_FLAGS.length), [...OPERATOR_NODE_FLAGS]);
  assert.ok(OPERATOR_NODE_FLAGS.includes("--optimize-for-size"));
  assert.ok(operator.args.includes("operator") && operator.args.includes("--state-dir=/state"));
  const agent = own.find((s) => s.name === "agent")!;
  assert.ok(!agent.args.some((a) => OPERATOR_NODE_FLAGS.includes(a)));
});
