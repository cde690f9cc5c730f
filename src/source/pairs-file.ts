import { readFile, type FileHandle } from 'node:fs/promises';

// The store's files of per-path records (the stat cache, snapshot manifests): a JSON head line naming the
// format and the number of entries, then each entry as two NUL-terminated fields (a path, then what is
// known of it): paths may hold any character but NUL. Written in chunks, never as one string; a file that
// does not read back whole (cut short by a crash, another format) counts as absent.

export type Head = Record<string, unknown> & { format: string };

/** Writes `head` and `count` pairs to `out`. */
export async function writePairs(
  out: FileHandle,
  head: Head,
  count: number,
  pairs: Iterable<readonly [string, string]>,
): Promise<void> {
  let chunk = `${JSON.stringify({ ...head, entries: count })}\n`;
  for (const [key, value] of pairs) {
    chunk += `${key}\0${value}\0`;
    if (chunk.length >= 1 << 20) {
      await out.write(chunk);
      chunk = '';
    }
  }
  await out.write(chunk);
}

/** The head of the file at `path` when it is whole and of `format`, after calling `onPair` with each pair. */
export async function readPairs(
  path: string,
  format: string,
  onPair: (key: string, value: string) => void,
): Promise<Head | undefined> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  const newline = text?.indexOf('\n') ?? -1;
  if (!text || newline < 0) return undefined;
  let head: Head;
  try {
    head = JSON.parse(text.slice(0, newline)) as Head;
  } catch {
    return undefined;
  }
  const fields = text.slice(newline + 1).split('\0');
  if (head?.format !== format || fields.length !== 2 * Number(head.entries) + 1 || fields.at(-1) !== '')
    return undefined;
  for (let i = 0; i + 1 < fields.length; i += 2) onPair(fields[i], fields[i + 1]);
  return head;
}
