"""Estimates Pi with PySpark: `pi.py [slices]`. Prints `Pi is roughly <value>`."""
import random
import sys

from pyspark.sql import SparkSession


def inside(seed: int, samples: int) -> int:
    rng = random.Random(seed * 7919 + 17)
    hits = 0
    for _ in range(samples):
        x, y = rng.random() * 2 - 1, rng.random() * 2 - 1
        if x * x + y * y <= 1:
            hits += 1
    return hits


def main() -> None:
    slices = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    samples = 100_000
    spark = SparkSession.builder.appName("PythonPi").getOrCreate()
    try:
        hits = spark.sparkContext.parallelize(range(slices), slices).map(lambda s: inside(s, samples)).sum()
        print(f"Pi is roughly {4.0 * hits / (slices * samples)}")
    finally:
        spark.stop()


if __name__ == "__main__":
    main()
