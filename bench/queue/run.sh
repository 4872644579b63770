#!/usr/bin/env bash
# bench/queue/run.sh: 10,000 posts due within one minute, on SQLite and on
# PostgreSQL (PRESSBOT_TEST_POSTGRES; without it only SQLite runs). Reports
# p50/p99/max lateness from each slot to its worker's start, and the
# approval insert rate; then the queue's throughput on 2,000 due posts.
# Takes about 6 minutes.
set -euo pipefail
cd "$(dirname "$0")/../.."
go test -run '^$' -bench 'BenchmarkLateness' -benchtime 1x -timeout 30m ./internal/queue/
go test -run '^$' -bench 'BenchmarkThroughput' -benchtime 2000x -timeout 10m ./internal/queue/
