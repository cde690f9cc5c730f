import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readGitIndex } from '../../../src/source/git-index.js';
import { KeyHash } from '../../../src/source/key.js';
import { gitRepo } from '../../helpers/project.js';

// An index entry's record, written from the index's bytes, is the record of its decoded path, mode and
// content: a snapshot's id does not depend on which way its files were named.

describe('KeyHash', () => {
  it('hashes an index entry as the record of its decoded fields, without the leading part of its path', async () => {
    const dir = await gitRepo({
      'sub/a.txt': 'a\n',
      'sub/é/ü b.txt': 'unicode\n',
      [`sub/${'x'.repeat(250)}/${'y'.repeat(250)}`]: 'long',
    });
    const index = (await readGitIndex(join(dir, '.git/index'), 20))!;
    const raw = new KeyHash();
    const decoded = new KeyHash();
    for (let i = 0; i < index.count; i++) {
      raw.indexRecord(index, i, 'sub/'.length);
      decoded.record(index.path(i, 'sub/'.length), index.mode(i), `g${index.blob(i)}:${index.size(i)}`);
    }
    expect(raw.digest()).toBe(decoded.digest());
  });
});
