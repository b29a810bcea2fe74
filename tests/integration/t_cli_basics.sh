# The CLI's front door: help, version, usage errors and exit codes.
. "$(dirname "$0")/lib.sh"

expect_exit 0 "$VN" --help
grep -q "usage: valnode COMMAND" "$WORK/last.out" || fail "help lacks usage line"
expect_exit 64 "$VN"
expect_exit 64 "$VN" no-such-command
grep -q "unknown command" "$WORK/last.err" || fail "no clear message for unknown command"
expect_exit 0 "$VN" version
grep -q "^valnode [0-9]" "$WORK/last.out" || fail "version output"
echo ok
