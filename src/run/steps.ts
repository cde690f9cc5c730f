// Steps run one after another in a single shell inside the cell, so that state (a build dir) carries from
// one to the next. They are passed as positional arguments, never spliced into script text, so that no
// quoting in a user's command can change what runs. Each is echoed first, like `set -x`, for the log.
export const STEP_LOOP = 'for step in "$@"; do printf "+ %s\\n" "$step"; /bin/sh -c "$step" || exit $?; done';
