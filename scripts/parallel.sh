#!/usr/bin/env bash
# Runs each argument as a command, all at once, each line of output prefixed with its command;
# waits for all of them and fails if any failed (CI's checks that need nothing from each other).
set -uo pipefail
pids=()
names=()
# A ceiling (CI's timeout) or Ctrl-C stops every command, not just this script.
trap 'kill "${pids[@]}" 2>/dev/null; exit 1' TERM INT
for command in "$@"; do
  bash -c "$command" > >(awk -v label="[$command] " '{ print label $0; fflush() }') 2>&1 &
  pids+=($!)
  names+=("$command")
done
status=0
for i in "${!pids[@]}"; do
  if wait "${pids[$i]}"; then echo "passed  ${names[$i]}"; else echo "FAILED  ${names[$i]}"; status=1; fi
done
exit $status
