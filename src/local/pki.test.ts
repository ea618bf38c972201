import assert from "node:assert/strict";
import { createPrivateKey, createPublicKey, sign, verify, X509Certificate } from "node:crypto";
import { test } from "node:test";
import { API_SERVER_SANS, generatePki } from "./pki.js";

test("the generated PKI chains to its CA and covers the API server's names", async () => {
  const pki = await generatePki();
  const ca = new X509Certificate(pki.caCert);
  const server = new X509Certificate(pki.apiserverCert);
  assert.ok(ca.ca);
  assert.ok(server.verify(ca.publicKey), "apiserver cert signed by the CA");
  assert.ok(server.checkIssued(ca));
  for (const dns of API_SERVER_SANS.dns) assert.ok(server.checkHost(dns), dns);
  for (const ip of API_SERVER_SANS.ips) assert.ok(server.checkIP(ip), ip);
  assert.ok(new X509Certificate(pki.kubeletCert).verify(ca.publicKey));
  // The service-account key pair matches.
  const sig = sign(null, Buffer.from("x"), createPrivateKey(pki.saPrivateKey));
  assert.ok(verify(null, Buffer.from("x"), createPublicKey(pki.saPublicKey), sig));
  assert.match(pki.adminToken, /^[0-9a-f]{48}$/);
});
