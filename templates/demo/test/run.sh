#!/bin/sh
# The demo's test suite: each case feeds text to tally and compares its output with what is expected.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
pass=0
fail=0
check() { # name, expected, input, args...
  name=$1 expected=$2 input=$3
  shift 3
  actual=$(printf '%s' "$input" | "$here/bin/tally" "$@" 2>&1)
  if [ "$actual" = "$expected" ]; then
    pass=$((pass + 1)); echo "ok   $name"
  else
    fail=$((fail + 1)); echo "FAIL $name"; echo "  expected: $(echo "$expected" | tr '\n' '|')"; echo "  actual:   $(echo "$actual" | tr '\n' '|')"
  fi
}
echo "awk: ${AWK:-awk} on $(. /etc/os-release && echo "$PRETTY_NAME")"
check 'counts words' "$(printf '2 a\n1 b')" 'a b a'
check 'ties sort alphabetically' "$(printf '1 x\n1 y\n1 z')" 'z y x'
check 'top N' '3 the' 'the cat the dog the end' -n 1
check 'ignores case with -i' '2 hello' 'Hello hello' -i
check 'punctuation splits words' "$(printf '1 one\n1 two')" 'one, two.'
check 'rejects a bad -n' "tally: -n needs a number, got 'x'" 'a' -n x
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
