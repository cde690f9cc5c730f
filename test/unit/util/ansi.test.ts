import { describe, expect, it } from 'vitest';
import { stripAnsi } from '../../../src/util/ansi.js';

describe('stripAnsi', () => {
  it('removes colour codes and other CSI sequences, and keeps the words', () => {
    expect(stripAnsi('\u001b[1;31mE:\u001b[0m Unable to locate package \u001b[1mfoo\u001b[22m')).toBe(
      'E: Unable to locate package foo',
    );
    expect(stripAnsi('50%\u001b[2K\u001b[?25l done')).toBe('50% done');
  });

  it('leaves text without sequences, and a lone ESC that starts none, as it is', () => {
    expect(stripAnsi('plain [1m text')).toBe('plain [1m text');
    expect(stripAnsi('a \u001b b')).toBe('a \u001b b');
  });
});
