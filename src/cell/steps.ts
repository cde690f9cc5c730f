// Steps run one after another in a single shell inside the cell, so that state (a build dir) carries from
// one to the next. They are passed as positional arguments, never spliced into script text, so that no
// quoting in a user's command can change what runs. Each is echoed first, like `set -x`, for the log.
//
// Each step also announces itself on fd 3, a side channel that vmatrix reads apart from the output ("start
// N" and "end N STATUS", see StepClock): that is how a test step is timed and held to its own timeout, and
// how a failed setup knows which of its steps failed. fd 3 is closed for the steps themselves, so that a
// step cannot write to it or keep it open; it is a socket, which open(2) of /proc/1/fd/N cannot reopen
// (test/hostile/output.test.ts tries every descriptor above 2 of every process it can see).
export const STEP_LOOP =
  'i=0; for step in "$@"; do i=$((i+1)); printf "+ %s\\n" "$step"; echo "start $i" >&3; ' +
  '/bin/sh -c "$step" 3>&-; s=$?; echo "end $i $s" >&3; [ "$s" -eq 0 ] || exit "$s"; done';
