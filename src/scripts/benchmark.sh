#!/usr/bin/env bash
# The benchmark (README, "Benchmark"): builds the project, starts a local ClickHouse with system.query_log on, runs every
# case against it and the simulated Kalshi API, prints one table and writes it to target/benchmark/results.md. Takes about
# seven minutes; not part of the tests.
#
#   src/scripts/benchmark.sh
#
# BENCHMARK_CLICKHOUSE_PORT picks the server's HTTP port (default 18124).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

mvn -B -q package -DskipTests
mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/benchmark/classpath.txt

clickhouse_dir=target/benchmark/clickhouse
port=${BENCHMARK_CLICKHOUSE_PORT:-18124}
rm -rf "$clickhouse_dir"
trap 'src/scripts/clickhouse.sh stop "$clickhouse_dir"' EXIT
CLICKHOUSE_CONFIG=src/scripts/benchmark-clickhouse.xml src/scripts/clickhouse.sh start "$clickhouse_dir" "$port"

java -Dlogback.configurationFile=src/test/resources/benchmark/logback.xml \
    -cp "target/test-classes:target/classes:$(cat target/benchmark/classpath.txt)" \
    kalshifills.benchmark.Benchmark "jdbc:clickhouse://127.0.0.1:$port" "$(cat "$clickhouse_dir/clickhouse.pid")" target/benchmark/results.md
