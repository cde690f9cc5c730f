// Types of scripts/perf-table.mjs for the TypeScript tests (test/unit/bench/perf-table.test.ts).
export type Report = { date: string; quick?: boolean; results: unknown[]; [key: string]: unknown };
export const root: string;
export const RESULTS: string;
export const DETAILS: { file: string; marker: string };
export const SUMMARY: { file: string; marker: string };
export function hostLine(report: Report): string;
export function runLine(report: Report): string;
export function summary(report: Report): string;
export function details(report: Report): string;
export function splice(text: string, marker: string, content: string, file?: string): string;
export function render(report: Report, read: (file: string) => string): Record<string, string>;
