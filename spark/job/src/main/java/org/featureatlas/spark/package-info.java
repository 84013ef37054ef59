/**
 * Generation on Apache Spark (docs/spark.md): {@code atlas generate --spark MASTER} ({@link
 * org.featureatlas.spark.SparkEngine}, found by the main project's {@code ClusterEngine} service lookup) and the
 * {@code spark-submit} entry point ({@link org.featureatlas.spark.SubmitMain}). {@link org.featureatlas.spark.SparkJob}
 * runs the main project's {@code PartitionedRun}: one Spark job for pass A (a partition per shard of the batches), the
 * merge on the driver, one job for the feature blocks, and the data directory assembled on the driver. Tasks write
 * to a shared work directory ({@link org.featureatlas.spark.SharedDir}: a local path or a Hadoop file system URI),
 * each attempt under its own name that is renamed into place, so a retried task replaces what a failed attempt left;
 * executors keep the loaded model between tasks ({@link org.featureatlas.spark.WorkerPool}).
 */
package org.featureatlas.spark;
