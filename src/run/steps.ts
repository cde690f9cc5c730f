// Steps run one after another in a single shell inside the cell, so that state (a build dir) carries from
// one to the next. They are passed as positional arguments, never spliced into script text, so that no
// quoting in a user's command can change what runs. Each is echoed first, like `set -x`, for the log.
export const STEP_LOOP = 'for step in "$@"; do printf "+ %s\\n" "$step"; /bin/sh -c "$step" || exit $?; done';

// Test steps also announce themselves on fd 3, a side channel that vmatrix reads apart from their output
// ("start N" and "end N STATUS", see StepClock): that is how each step is timed and held to its own timeout.
// fd 3 is closed for the steps themselves, so that a test cannot write to it or keep it open.
export const TEST_LOOP = 'i=0; for step in "$@"; do i=$((i+1)); printf "+ %s\\n" "$step"; echo "start $i" >&3; '
  + '/bin/sh -c "$step" 3>&-; s=$?; echo "end $i $s" >&3; [ "$s" -eq 0 ] || exit "$s"; done';
