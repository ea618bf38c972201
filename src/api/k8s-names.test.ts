import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  isDns1035Label,
  isDns1123Label,
  isDns1123Subdomain,
  isIanaSvcName,
  isLabelValue,
  isQualifiedName,
} from "./k8s-names.js";

describe("Kubernetes names", () => {
  it("DNS-1123 labels", () => {
    for (const ok of ["a", "spark-pi", "1app", "a".repeat(63)]) assert.equal(isDns1123Label(ok), true, ok);
    for (const bad of ["", "A", "a.b", "-a", "a-", "a_b", "a".repeat(64)])
      assert.equal(isDns1123Label(bad), false, bad);
  });
  it("DNS-1035 labels (Service names) start with a letter", () => {
    assert.equal(isDns1035Label("spark-pi-ui-svc"), true);
    assert.equal(isDns1035Label("1app-ui-svc"), false);
    assert.equal(isDns1035Label("my.app-ui-svc"), false);
    assert.equal(isDns1035Label(`a${"b".repeat(63)}`), false);
  });
  it("DNS-1123 subdomains", () => {
    assert.equal(isDns1123Subdomain("my.app-1"), true);
    assert.equal(isDns1123Subdomain("my..app"), false);
    assert.equal(isDns1123Subdomain("My.app"), false);
    assert.equal(isDns1123Subdomain("a".repeat(254)), false);
  });
  it("label keys", () => {
    for (const ok of ["app", "sparkoperator.k8s.io/app-name", "A_b.c-D", "x/y"])
      assert.equal(isQualifiedName(ok), true, ok);
    for (const bad of ["", "/x", "a/b/c", "bad key", "-a", "a-", "Example.com/x", `p/${"a".repeat(64)}`]) {
      assert.equal(isQualifiedName(bad), false, bad);
    }
  });
  it("label values", () => {
    for (const ok of ["", "2.4.0", "true", "a_b-c.D"]) assert.equal(isLabelValue(ok), true, ok);
    for (const bad of ["a b", "-a", "a/", "x".repeat(64)]) assert.equal(isLabelValue(bad), false, bad);
  });
  it("port names", () => {
    for (const ok of ["http", "jmx-exporter", "spark-ui", "p1"]) assert.equal(isIanaSvcName(ok), true, ok);
    for (const bad of ["", "123", "a--b", "-a", "HTTP", "this-name-is-too-long"])
      assert.equal(isIanaSvcName(bad), false, bad);
  });
});
