import type { TestStep } from '../config/index.js';
import type { StepResult } from '../results/types.js';

// Times the steps of one cell from the announcements of STEP_LOOP on the cell's control channel, and
// enforces each step's own timeout (test steps have them; a setup layer's steps only need to be told apart).
//
// Why from vmatrix and not from a watcher inside the cell (the step loop is PID 1 of the cell's PID
// namespace, so a `sleep N; kill -KILL -1` beside it would kill every other process): a timed-out step ends
// the cell anyway (later steps never run), so killing the whole cell is exactly "the step's whole process
// tree", through the same kill path as the cell's timeout and Ctrl-C, which is proven to leave nothing
// behind. The clock and the kill stay out of the test's reach (a test cannot kill or starve them, and they
// need no `sleep` or `kill` in the image nor a pid under `resources.pids`). And "timed out" is then a fact
// vmatrix knows because it did the killing, not a guess from an exit status: a step that exits 124 by
// itself is an ordinary failure with exit code 124.

export class StepClock {
  private readonly started = new Map<number, number>();
  private readonly ended = new Map<number, { at: number; code: number }>();
  private timer: NodeJS.Timeout | undefined;
  /** The index of the step whose own timeout expired. */
  expired: number | undefined;

  /** `onExpire` is called once, when a step outlives its timeout: it should kill the cell. */
  constructor(
    private readonly steps: readonly TestStep[],
    private readonly onExpire: () => void,
    private readonly now = () => performance.now(),
  ) {}

  /** One line of the control channel. Anything that is not an announcement of a known step is ignored. */
  readonly onLine = (line: string): void => {
    const m = /^(start|end) (\d+)(?: (\d+))?$/.exec(line.trim());
    const index = Number(m?.[2]) - 1;
    const step = this.steps[index];
    if (!m || !step) return;
    if (m[1] === 'end') {
      this.ended.set(index, { at: this.now(), code: Number(m[3]) });
      this.stop();
      return;
    }
    this.started.set(index, this.now());
    this.stop();
    if (step.timeout !== undefined) this.timer = setTimeout(() => this.expire(index), step.timeout);
  };

  private expire(index: number): void {
    if (this.ended.has(index) || this.expired !== undefined) return;
    this.expired = index;
    this.onExpire();
  }

  /** Call when the cell has ended: no timeout may fire after that. */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** The steps that started, in order; one still running at `endedAt` has no exit code. */
  results(endedAt = this.now()): StepResult[] {
    return [...this.started.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, at]) => {
        const step = this.steps[index];
        const end = this.ended.get(index);
        return {
          name: step.name,
          exitCode: end?.code ?? null,
          durationMs: Math.round((end?.at ?? endedAt) - at),
          ...(step.timeout !== undefined && { timeoutMs: step.timeout }),
          ...(this.expired === index && { timedOut: true }),
        };
      });
  }

  /** The step a failure belongs to: the last one that started. */
  lastStarted(): TestStep | undefined {
    const indexes = [...this.started.keys()];
    return indexes.length ? this.steps[Math.max(...indexes)] : undefined;
  }
}
