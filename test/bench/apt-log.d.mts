// Types of test/bench/apt-log.mjs for the TypeScript tests (test/unit/bench/apt-log.test.ts).
export function fetchedKiB(log: string): number;
