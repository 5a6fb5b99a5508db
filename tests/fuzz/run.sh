#!/bin/sh
# tests/fuzz/run.sh: run libFuzzer targets built by `make fuzz-build`
# (build/fuzz/fuzz_NAME) for SECONDS each, JOBS at a time, from the seeds in
# tests/fuzz/corpus/NAME; prints PASS: fuzz.NAME (N inputs in S s) or
# FAIL: fuzz.NAME: REASON per target in the order given, then one line
# "fuzz: T targets, N inputs executed in total". New inputs are kept in
# build/fuzz/corpus-NAME, a crash as build/fuzz/NAME-crash-*.
# Usage: tests/fuzz/run.sh [-j JOBS] [SECONDS [NAME...]]   (1 job, 20 s; part fat)
cd "$(dirname "$0")/../.." || exit 1
jobs=1
if [ "$1" = -j ]; then
	jobs=$2
	shift 2
fi
case $jobs in ''|*[!0-9]*|0) echo "run.sh: -j wants a positive number" >&2; exit 2 ;; esac
secs=${1:-20}
[ $# -gt 0 ] && shift
[ $# -gt 0 ] || set -- part fat

# One target; its PASS/FAIL line on stdout.
fuzz_one() {
	name=$1
	bin=build/fuzz/fuzz_$name
	log=build/fuzz/$name.log
	if [ ! -x "$bin" ]; then
		echo "FAIL: fuzz.$name: $bin not built (make fuzz-build)"
		return
	fi
	mkdir -p "build/fuzz/corpus-$name" "tests/fuzz/corpus/$name"
	if "$bin" -max_total_time="$secs" -timeout=30 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="build/fuzz/$name-" "build/fuzz/corpus-$name" "tests/fuzz/corpus/$name" \
		> "$log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		took=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log")
		echo "PASS: fuzz.$name (${runs:-0} inputs in ${took:-$secs} s)"
	else
		input=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | head -n 1)
		echo "FAIL: fuzz.$name: $(grep -m1 -E 'ERROR|runtime error|deadly signal|timeout' "$log")" \
			"(${input:+input: $input, }log: $log)"
	fi
}

# Every target runs for the same time, so batches of JOBS keep the cores
# busy as well as a pool would; results come out in the order given.
fail=0 total=0 count=0
mkdir -p build/fuzz
results=$(mktemp -d)   # this run's own: another run may fuzz at the same time
trap 'rm -rf "$results"' EXIT
while [ $# -gt 0 ]; do
	batch=
	while [ $# -gt 0 ] && [ "$(echo $batch | wc -w)" -lt "$jobs" ]; do
		batch="$batch $1"
		fuzz_one "$1" > "$results/$1" &
		shift
	done
	wait
	for name in $batch; do
		line=$(cat "$results/$name")
		echo "$line"
		count=$((count + 1))
		case $line in
		PASS:*) total=$((total + $(echo "$line" | sed 's/^[^(]*(\([0-9]*\) inputs.*/\1/'))) ;;
		*) fail=1 ;;
		esac
	done
done
echo "fuzz: $count targets, $total inputs executed in total"
exit $fail
