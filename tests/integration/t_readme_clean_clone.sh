# The README on a clean clone: the project is cloned (its committed state),
# the README's first command (`make run`) builds everything from scratch and
# serves the demo, the three commands it prints succeed (the trusted lists,
# a demo Mobile-ID signature TOTAL-PASSED, the metrics), then the make
# process group is stopped as Ctrl-C would and nothing is left listening.
. "$(dirname "$0")/lib.sh"
[ "${VN_ASAN:-}" = 1 ] && skip "the clean-clone build does not test the sanitised binary (plain pass only)"
for t in git jq curl ss setsid; do
	command -v $t >/dev/null 2>&1 || skip "$t is not installed"
done
git -C "$SRC" rev-parse --is-inside-work-tree >/dev/null 2>&1 || skip "$SRC is not a git repository"
for p in $(seq 18101 18118); do
	ss -ltn 2>/dev/null | grep -q ":$p " && skip "port $p is in use: the demo responders cannot start"
done

CL="$WORK/clone"
git clone -q "$SRC" "$CL" || fail "git clone"
cmd=$(awk '/^```sh/ { f = 1; next } f { print; exit }' "$CL/README.md" | sed 's/[ 	]*#.*//')
[ "$cmd" = "make run" ] || fail "the README's first command is '$cmd', not make run"

port=$(free_port)
PGID=""
stop_group() {
	[ -n "$PGID" ] || return 0
	kill -TERM "-$PGID" 2>/dev/null
	i=0
	while kill -0 "-$PGID" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.2; i=$((i + 1)); done
	kill -KILL "-$PGID" 2>/dev/null
	PGID=""
	# The responders' own stop, in case their processes outlived the group.
	[ -d "$CL/build/demo/run" ] && sh "$CL/interop/demo/responders" stop "$CL/build/demo" >/dev/null 2>&1
	true
}
trap stop_group EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# Its own session, so that the whole tree (make, run-demo, the node, the
# responders) is one process group to stop.
(cd "$CL" && PORT=$port MAKEFLAGS=-j2 exec setsid sh -c "$cmd") >"$WORK/run.out" 2>&1 &
pid=$!
sleep 0.5
PGID=$(ps -o pgid= -p $pid | tr -d ' ')
[ -n "$PGID" ] && [ "$PGID" != "$(ps -o pgid= -p $$ | tr -d ' ')" ] || fail "make run is not in its own process group"

# A build from scratch: allow a shared machine several minutes.
i=0
until grep -q "/metrics" "$WORK/run.out" 2>/dev/null; do
	i=$((i + 1)); [ $i -lt 2400 ] || { tail -n 30 "$WORK/run.out"; fail "make run printed no commands in 8 minutes"; }
	kill -0 $pid 2>/dev/null || { tail -n 30 "$WORK/run.out"; fail "make run exited"; }
	sleep 0.2
done
grep "^  curl " "$WORK/run.out" >"$WORK/cmds"
[ "$(wc -l <"$WORK/cmds")" = 3 ] || { cat "$WORK/run.out"; fail "not three commands"; }
grep -q "127.0.0.1:$port" "$WORK/cmds" || fail "the commands do not use PORT=$port"
n=0
while read -r c; do
	n=$((n + 1))
	sh -c "$c" >"$WORK/cmd$n.out" 2>"$WORK/cmd$n.err" || { cat "$WORK/cmd$n.err"; fail "command $n failed: $c"; }
	[ -s "$WORK/cmd$n.out" ] || fail "command $n printed nothing: $c"
done <"$WORK/cmds"
jq -e '.lists | length > 5' "$WORK/cmd1.out" >/dev/null || { head -c 500 "$WORK/cmd1.out"; fail "trust lists"; }
if ! jq -e '.indication == "TOTAL-PASSED" and .signatures[0].indication == "TOTAL-PASSED"' "$WORK/cmd2.out" >/dev/null; then
	# The responders' ports are fixed (the demo certificates name them): a
	# test of another checkout on this machine may have taken one since.
	if grep -q "responders did not start" "$WORK/run.out" && ss -ltnp 2>/dev/null | grep -E ":181(0[1-9]|1[0-8]) " |
		grep -o 'pid=[0-9]*' | cut -d= -f2 | while read -r p; do
			tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -qF "$CL/" || echo other; done | grep -q other; then
		stop_group
		skip "another process took a demo OCSP responder port during the run"
	fi
	head -c 1500 "$WORK/cmd2.out"; fail "the demo signature did not validate TOTAL-PASSED"
fi
grep -q '^# TYPE valnode_' "$WORK/cmd3.out" || fail "metrics"

stop_group
sleep 0.5
ss -ltn 2>/dev/null | grep -q ":$port " && fail "the node's port $port is still listening after make run was stopped"
# Nothing started from the clone is left (the node, the responders).
ps -eo pid=,args= | grep -F "$CL/" | grep -v grep >"$WORK/left"
[ ! -s "$WORK/left" ] || { cat "$WORK/left"; fail "processes left running after make run was stopped"; }
for p in $(seq 18101 18118); do
	ss -ltn 2>/dev/null | grep -q ":$p " && echo "note: port $p is in use by another process"
done
echo ok
