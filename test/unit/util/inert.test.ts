import { describe, expect, it } from 'vitest';
import { inert, inertLine } from '../../../src/util/inert.js';

const ESC = '\u001b';
/** Whatever a terminal or bidi algorithm acts on, bar tab and newline. */
// eslint-disable-next-line no-control-regex -- the characters the util must never let through
const ACTIVE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('inert', () => {
  it.each([
    ['CSI: clear screen, cursor home', `${ESC}[2J${ESC}[H`, '\\u001b[2J\\u001b[H'],
    ['CSI with a private parameter', `${ESC}[?1049h`, '\\u001b[?1049h'],
    ['OSC 52: a clipboard write ended by BEL', `${ESC}]52;c;cm0gLXJmIH4=\u0007`, '\\u001b]52;c;cm0gLXJmIH4=\\u0007'],
    [
      'OSC 8: a link ended by ST',
      `${ESC}]8;;http://x/${ESC}\\text${ESC}]8;;${ESC}\\`,
      '\\u001b]8;;http://x/\\u001b\\text\\u001b]8;;\\u001b\\',
    ],
    ['OSC 0: a title change', `${ESC}]0;owned\u0007`, '\\u001b]0;owned\\u0007'],
    ['DCS', `${ESC}P1$r${ESC}\\`, '\\u001bP1$r\\u001b\\'],
    [
      'APC, PM and SOS',
      `${ESC}_a${ESC}\\${ESC}^b${ESC}\\${ESC}Xc${ESC}\\`,
      '\\u001b_a\\u001b\\\\u001b^b\\u001b\\\\u001bXc\\u001b\\',
    ],
    ['a lone ESC', `a${ESC}b`, 'a\\u001bb'],
    ['8-bit CSI, OSC, DCS and ST', '\u009b2J\u009d0;t\u009c\u0090x', '\\u009b2J\\u009d0;t\\u009c\\u0090x'],
    ['every other C1 form', '\u0080\u0085\u009f', '\\u0080\\u0085\\u009f'],
    [
      'BEL, backspace, DEL, NUL, vertical tab, form feed',
      '\u0007\b\u007f\u0000\u000b\f',
      '\\u0007\\u0008\\u007f\\u0000\\u000b\\u000c',
    ],
    ['a carriage return that would overwrite the line', 'FAIL\rPASS', 'FAIL\\u000dPASS'],
    [
      'bidi overrides and isolates',
      'a\u202ecba\u202c \u2066x\u2069 \u202a\u202b\u202d\u2067\u2068',
      'a\\u202ecba\\u202c \\u2066x\\u2069 \\u202a\\u202b\\u202d\\u2067\\u2068',
    ],
  ])('neutralises %s, visibly', (_what, hostile, shown) => {
    expect(inert(hostile)).toBe(shown);
    expect(inert(hostile)).not.toMatch(ACTIVE);
  });

  it('keeps tabs and newlines, and drops the CR of a CRLF line end', () => {
    expect(inert('a\tb\nc\r\nd\r')).toBe('a\tb\nc\nd');
  });

  it('leaves normal text as it is, whatever its script', () => {
    const text = 'make[1]: Entering directory `/src` — ✓ 日本語 😀 100% ::notice:: \\u001b';
    expect(inert(text)).toBe(text);
    expect(inertLine(text)).toBe(text);
  });

  it('is idempotent', () => {
    const hostile = `${ESC}]52;c;x\u0007\r\u009b\u202e\nz\r\n`;
    expect(inert(inert(hostile))).toBe(inert(hostile));
    expect(inertLine(inertLine(hostile))).toBe(inertLine(hostile));
  });

  it('escapes each character it neutralises into six, and nothing else changes length', () => {
    expect(inert(`ok${ESC}[31m\rno`)).toHaveLength('ok'.length + 6 + '[31m'.length + 6 + 'no'.length);
  });
});

describe('inertLine', () => {
  it('escapes newlines and line separators too: always one line', () => {
    expect(inertLine('a\nb\r\nc\u2028d\u2029')).toBe('a\\u000ab\\u000d\\u000ac\\u2028d\\u2029');
    expect(inertLine(`x\t${ESC}[2J`)).toBe('x\t\\u001b[2J');
  });
});
