import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';

// Reading a file's content in chunks, to hash it or to copy it while hashing: memory stays at one buffer per
// file being read, whatever the file's size, and buffers are reused from one file to the next. A file is
// named as git names it, by the id of a blob of its bytes: a file hashed here and the same file named by
// git's index (no conversion between them) get the same id, so a snapshot's key does not depend on which.

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

/**
 * Git's id (hex) of a blob holding an open file's content: SHA-1, or SHA-256 for 32-byte ids, of "blob <size>\0"
 * and the content. The file must hold `size` bytes (its lstat's): undefined when it does not, as it changed.
 */
export async function blobIdOf(file: FileHandle, size: number, hashBytes: number): Promise<string | undefined> {
  return blobWhile(file, size, hashBytes);
}

/** Copies an open file's content to a new file `dest` (which must not exist), with its blob id as blobIdOf gives it. */
export async function copyAsBlob(
  file: FileHandle,
  dest: string,
  size: number,
  hashBytes: number,
): Promise<string | undefined> {
  const out = await open(dest, 'wx', 0o600);
  try {
    return await blobWhile(file, size, hashBytes, async (chunk) => {
      for (let done = 0; done < chunk.length;) done += (await out.write(chunk, done)).bytesWritten;
    });
  } finally {
    await out.close();
  }
}

/** Git's id of a blob with this content (a symlink's target, say). */
export function gitBlobId(content: Buffer, hashBytes: number): string {
  return createHash(algorithm(hashBytes)).update(`blob ${content.length}\0`).update(content).digest('hex');
}

const algorithm = (hashBytes: number) => (hashBytes === 32 ? 'sha256' : 'sha1');

async function blobWhile(
  file: FileHandle,
  size: number,
  hashBytes: number,
  onChunk?: (chunk: Buffer) => Promise<void>,
): Promise<string | undefined> {
  const hash = createHash(algorithm(hashBytes)).update(`blob ${size}\0`);
  let read = 0;
  await eachChunk(file, async (chunk) => {
    hash.update(chunk);
    read += chunk.length;
    await onChunk?.(chunk);
  });
  return read === size ? hash.digest('hex') : undefined;
}
