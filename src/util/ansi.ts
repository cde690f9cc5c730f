// Terminal control sequences (CSI: ESC [, parameters, intermediates, a final byte), colour codes among
// them, as tools and oclif write them into text: what the text says without them. For text that is
// shown rather than parsed, inert.ts is the guard; this only removes what carries no words.

// eslint-disable-next-line no-control-regex -- a sequence starts with ESC: matching it is the point
const CSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

/** `text` without its CSI sequences (colour codes, cursor moves). */
export function stripAnsi(text: string): string {
  return text.replace(CSI, '');
}
