import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { exceptionSummary } from "./exception-summary.js";
import { NO_SUCH_FILE_LOG } from "./stack-traces.test-helpers.js";

describe("exceptionSummary", () => {
  test("leads with the headline and the cause, then the last frames, within the budget", () => {
    const s = exceptionSummary(NO_SUCH_FILE_LOG, 1024)!;
    const lines = s.split("\n");
    assert.match(
      lines[0]!,
      /^Exception in thread "main" org\.apache\.spark\.SparkException: Failed to get main class/,
    );
    assert.equal(
      lines[1],
      "Caused by: java.nio.file.NoSuchFileException: /opt/spark/examples/jars/spark-examples.jar",
    );
    assert.equal(lines[2], "\t...", "frames left out are marked");
    assert.equal(lines.at(-1), "\t... 7 more", "ends with the trace's last line");
    assert.ok(
      lines.includes(
        "\tat org.apache.spark.deploy.SparkSubmit.prepareSubmitEnvironment(SparkSubmit.scala:520)",
      ),
    );
    assert.ok(Buffer.byteLength(s) <= 1024);
    assert.doesNotMatch(s, /ShutdownHookManager|INFO SparkContext/, "log lines around the trace are dropped");
  });

  test("a trace that fits is kept whole, headline first", () => {
    const log = "java.lang.IllegalStateException: boom\n\tat a.B.c(B.java:1)\n\tat a.B.main(B.java:2)\n";
    assert.equal(exceptionSummary(log, 2048), log.trim());
  });

  test("a multi-line exception message starts at the line naming the throwable", () => {
    const log = [
      "INFO something",
      "org.apache.spark.sql.AnalysisException: [TABLE_OR_VIEW_NOT_FOUND] The table or view `t` cannot be found.",
      "Verify the spelling; SQLSTATE: 42P01",
      "\tat org.apache.spark.sql.Dataset.ofRows(Dataset.scala:91)",
    ].join("\n");
    assert.equal(exceptionSummary(log, 2048), log.split("\n").slice(1).join("\n"));
  });

  test("the last of several traces; a headline longer than the budget is cut", () => {
    const log =
      "java.io.IOException: first\n\tat a.A.a(A.java:1)\nlater\njava.lang.RuntimeException: second\n\tat b.B.b(B.java:2)";
    assert.match(exceptionSummary(log, 2048)!, /^java\.lang\.RuntimeException: second\n/);
    const long = `java.lang.RuntimeException: ${"é".repeat(300)}\n\tat b.B.b(B.java:2)`;
    const cut = exceptionSummary(long, 100)!;
    assert.ok(Buffer.byteLength(cut) <= 100 && cut.startsWith("java.lang.RuntimeException: é"));
  });

  test("no stack trace: undefined (the caller keeps its own text)", () => {
    assert.equal(exceptionSummary("exec: driver: not found\n", 2048), undefined);
    assert.equal(exceptionSummary("", 2048), undefined);
    assert.equal(exceptionSummary("\tat a.B.c(B.java:1)", 2048), undefined, "frames without a headline");
  });
});
