package org.apache.spark.examples;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * sparkplane's local-mode stand-in for Apache Spark's example of the same name (Apache's spark-examples jar is
 * not distributed outside Spark's images): `SparkPi [slices]` estimates Pi by throwing darts at the unit square
 * and prints "Pi is roughly 3.14..." as Apache's does. Written for this project (docs/conformance.md).
 *
 * What differs: Apache's takes 100,000 samples per slice in `slices` partitions; this one takes at most
 * MAX_SAMPLES in all and at most MAX_PARTITIONS partitions, so the `5000`/`10000`/`100000` that YAML passes runs
 * in seconds on one machine.
 */
public final class SparkPi {
  static final int SAMPLES_PER_SLICE = 100_000;
  static final long MAX_SAMPLES = 20_000_000L;
  static final int MAX_PARTITIONS = 64;

  public static void main(String[] args) {
    int slices = args.length > 0 ? Integer.parseInt(args[0]) : 2;
    int partitions = Math.max(1, Math.min(slices, MAX_PARTITIONS));
    long samples = Math.min((long) SAMPLES_PER_SLICE * Math.max(1, slices), MAX_SAMPLES);
    long perPartition = samples / partitions;
    SparkSession spark = SparkSession.builder().appName("Spark Pi").getOrCreate();
    try {
      JavaSparkContext jsc = new JavaSparkContext(spark.sparkContext());
      List<Integer> seeds = new ArrayList<>(partitions);
      for (int i = 0; i < partitions; i++) {
        seeds.add(i);
      }
      long inside = jsc.parallelize(seeds, partitions).map(seed -> {
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed * 7919L + 17);
        long hits = 0;
        for (long i = 0; i < perPartition; i++) {
          double x = random.nextDouble() * 2 - 1;
          double y = random.nextDouble() * 2 - 1;
          if (x * x + y * y <= 1) {
            hits++;
          }
        }
        return hits;
      }).reduce(Long::sum);
      System.out.println("Pi is roughly " + 4.0 * inside / (perPartition * partitions));
    } finally {
      spark.stop();
    }
  }
}
