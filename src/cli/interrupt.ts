// The Ctrl-C policy of a run: drain on the first, kill on the second (or when the grace period ends),
// leave on the third. The pipeline only sees the two signals; what a key press means is decided here.

/**
 * Ctrl-C once: start no more cells and give the running ones `graceSeconds` to finish, then kill them;
 * twice: kill them now; three times: leave at once. SIGTERM (and `vmatrix kill <run>`) kills them now.
 * The results are written in every case but the last.
 */
export function interruptible(graceSeconds: number): { drain: AbortController; kill: AbortController } {
  const drain = new AbortController();
  const kill = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const killNow = (): void => {
    clearTimeout(timer);
    drain.abort();
    kill.abort();
  };
  process.on('SIGINT', () => {
    if (kill.signal.aborted) process.exit(130);
    if (drain.signal.aborted) {
      process.stderr.write('\nvmatrix: stopping the running cells now (press Ctrl-C again to quit at once)\n');
      killNow();
      return;
    }
    process.stderr.write(
      `\nvmatrix: interrupted: starting no more cells, giving the running ones ${graceSeconds}s to finish ` +
        '(press Ctrl-C again to stop them now)\n',
    );
    drain.abort();
    timer = setTimeout(killNow, graceSeconds * 1000);
    timer.unref();
  });
  process.on('SIGTERM', () => {
    if (kill.signal.aborted) process.exit(130);
    process.stderr.write('\nvmatrix: terminated: stopping the running cells now\n');
    killNow();
  });
  return { drain, kill };
}
