package io.sparkplane.examples;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/** Estimates Pi by throwing darts at the unit square: `JavaSparkPi [slices]`. */
public final class JavaSparkPi {
  public static void main(String[] args) {
    int slices = args.length > 0 ? Integer.parseInt(args[0]) : 2;
    int samplesPerSlice = 100_000;
    SparkSession spark = SparkSession.builder().appName("JavaSparkPi").getOrCreate();
    try {
      JavaSparkContext jsc = new JavaSparkContext(spark.sparkContext());
      List<Integer> seeds = new ArrayList<>(slices);
      for (int i = 0; i < slices; i++) {
        seeds.add(i);
      }
      JavaRDD<Integer> rdd = jsc.parallelize(seeds, slices);
      long inside = rdd.map(seed -> {
        java.util.Random random = new java.util.Random(seed * 7919L + 17);
        int hits = 0;
        for (int i = 0; i < samplesPerSlice; i++) {
          double x = random.nextDouble() * 2 - 1;
          double y = random.nextDouble() * 2 - 1;
          if (x * x + y * y <= 1) {
            hits++;
          }
        }
        return hits;
      }).reduce(Integer::sum);
      double pi = 4.0 * inside / ((long) slices * samplesPerSlice);
      System.out.println("Pi is roughly " + pi);
    } finally {
      spark.stop();
    }
  }
}
