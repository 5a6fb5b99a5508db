#!/bin/sh
# tests/fuzz/run.sh: run libFuzzer targets built by `make fuzz-build`
# (build/fuzz/fuzz_NAME) for SECONDS each, from the seeds in tests/fuzz/corpus/NAME;
# prints PASS: fuzz.NAME or FAIL: fuzz.NAME: REASON. New inputs are kept in
# build/fuzz/corpus-NAME, a crash as build/fuzz/NAME-crash-*.
# Usage: tests/fuzz/run.sh [SECONDS [NAME...]]   (default 20 s; part fat)
cd "$(dirname "$0")/../.." || exit 1
secs=${1:-20}
[ $# -gt 0 ] && shift
[ $# -gt 0 ] || set -- part fat
fail=0
for name in "$@"; do
	bin=build/fuzz/fuzz_$name
	log=build/fuzz/$name.log
	if [ ! -x "$bin" ]; then
		echo "FAIL: fuzz.$name: $bin not built (make fuzz-build)"
		fail=1
		continue
	fi
	mkdir -p "build/fuzz/corpus-$name"
	mkdir -p "tests/fuzz/corpus/$name"
	if "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="build/fuzz/$name-" "build/fuzz/corpus-$name" "tests/fuzz/corpus/$name" \
		> "$log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		echo "PASS: fuzz.$name ($runs inputs in $secs s)"
	else
		echo "FAIL: fuzz.$name: $(grep -m1 -E 'ERROR|runtime error|deadly signal|timeout' "$log") (log: $log)"
		fail=1
	fi
done
exit $fail
