import assert from "node:assert/strict";
import { test } from "node:test";
import { kubeletAddress } from "./kubelet-client.js";

test("kubeletAddress: the InternalIP (else the first address) and the daemonEndpoints port", () => {
  const status = (addresses: { type: string; address: string }[], port?: number) => ({
    status: { addresses, ...(port ? { daemonEndpoints: { kubeletEndpoint: { Port: port } } } : {}) },
  });
  assert.deepEqual(
    kubeletAddress(
      status(
        [
          { type: "Hostname", address: "n1" },
          { type: "InternalIP", address: "10.0.0.5" },
        ],
        10250,
      ),
    ),
    { host: "10.0.0.5", port: 10250 },
  );
  assert.deepEqual(kubeletAddress(status([{ type: "Hostname", address: "n1" }], 1)), { host: "n1", port: 1 });
  assert.equal(kubeletAddress(status([{ type: "InternalIP", address: "10.0.0.5" }])), undefined);
  assert.equal(kubeletAddress({}), undefined);
});
