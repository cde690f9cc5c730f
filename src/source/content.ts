import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';

// Reading a file's content in chunks, to hash it or to copy it while hashing: memory stays at one buffer per
// file being read, whatever the file's size, and buffers are reused from one file to the next.

const CHUNK = 64 * 1024;
const spare: Buffer[] = [];

async function eachChunk(file: FileHandle, onChunk: (chunk: Buffer) => Promise<void> | void): Promise<void> {
  const buf = spare.pop() ?? Buffer.allocUnsafe(CHUNK);
  try {
    for (let position = 0; ;) {
      const { bytesRead } = await file.read(buf, 0, CHUNK, position);
      if (bytesRead === 0) return;
      await onChunk(buf.subarray(0, bytesRead));
      position += bytesRead;
    }
  } finally {
    spare.push(buf);
  }
}

/** The sha256 (hex) of an open file's content. */
export async function hashFile(file: FileHandle): Promise<string> {
  const hash = createHash('sha256');
  await eachChunk(file, (chunk) => { hash.update(chunk); });
  return hash.digest('hex');
}

/** Copies an open file's content to a new file `dest` (which must not exist) and returns its sha256 (hex). */
export async function copyHashing(file: FileHandle, dest: string, mode: number): Promise<string> {
  const hash = createHash('sha256');
  const out = await open(dest, 'wx', mode);
  try {
    await eachChunk(file, async (chunk) => {
      hash.update(chunk);
      for (let done = 0; done < chunk.length;) done += (await out.write(chunk, done)).bytesWritten;
    });
  } finally {
    await out.close();
  }
  return hash.digest('hex');
}

export function sha256(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Git's id of a blob with this content: SHA-1 or, for a 64-digit id, SHA-256 of "blob <size>\0<content>". */
export function gitBlobId(content: Buffer, idDigits: number): string {
  return createHash(idDigits === 64 ? 'sha256' : 'sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}
