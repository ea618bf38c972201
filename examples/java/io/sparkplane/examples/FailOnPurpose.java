package io.sparkplane.examples;

import org.apache.spark.sql.SparkSession;

/** Starts Spark, runs one small job, then fails with a clear exception: for testing failure handling. */
public final class FailOnPurpose {
  public static void main(String[] args) {
    String reason = args.length > 0 ? String.join(" ", args) : "this example fails on purpose";
    SparkSession spark = SparkSession.builder().appName("FailOnPurpose").getOrCreate();
    try {
      long n = spark.range(10).count();
      System.out.println("counted " + n + " rows before failing");
      throw new IllegalStateException("sparkplane FailOnPurpose: " + reason);
    } finally {
      spark.stop();
    }
  }
}
