import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  allocatePodIp,
  apiRelayAddress,
  nodeAddress,
  podHost,
  podPrefix,
  preferredSubnet,
  subnetCandidates,
} from "./ipam.js";

describe("loopback address plan", () => {
  test("subnet from a seed is stable and in 1..254", () => {
    const a = preferredSubnet("/state/a");
    assert.equal(a, preferredSubnet("/state/a"));
    for (const seed of ["x", "y", "z", "/tmp/1", "/tmp/2"]) {
      const s = preferredSubnet(seed);
      assert.ok(s >= 1 && s <= 254);
    }
  });
  test("candidates start at the preferred subnet and cover all once", () => {
    const c = subnetCandidates(250);
    assert.equal(c[0], 250);
    assert.equal(c[5], 1);
    assert.equal(new Set(c).size, 254);
    assert.ok(!c.includes(0) && !c.includes(255));
  });
  test("addresses of relay, nodes and pods", () => {
    assert.equal(apiRelayAddress(7), "127.7.0.1");
    assert.equal(nodeAddress(7, 0), "127.7.1.1");
    assert.equal(nodeAddress(7, 2), "127.7.3.1");
    assert.equal(podPrefix(7, 0), "127.7.1.");
    assert.throws(() => nodeAddress(7, 254));
  });
  test("podHost recognises only this node's pod addresses", () => {
    assert.equal(podHost("127.7.1.", "127.7.1.2"), 2);
    assert.equal(podHost("127.7.1.", "127.7.1.1"), undefined);
    assert.equal(podHost("127.7.1.", "127.7.2.5"), undefined);
    assert.equal(podHost("127.7.1.", "127.7.1.255"), undefined);
    assert.equal(podHost("127.7.1.", undefined), undefined);
  });
  test("allocation is round robin after the last one and skips used addresses", () => {
    const p = "127.7.1.";
    assert.equal(allocatePodIp(p, new Set()), "127.7.1.2");
    assert.equal(allocatePodIp(p, new Set(["127.7.1.2"])), "127.7.1.3");
    assert.equal(allocatePodIp(p, new Set(), "127.7.1.9"), "127.7.1.10");
    assert.equal(allocatePodIp(p, new Set(), "127.7.1.254"), "127.7.1.2");
    assert.equal(allocatePodIp(p, new Set(["127.7.1.2"]), "127.7.1.254"), "127.7.1.3");
    const all = new Set(Array.from({ length: 253 }, (_, i) => `127.7.1.${i + 2}`));
    assert.equal(allocatePodIp(p, all), undefined);
  });
});
