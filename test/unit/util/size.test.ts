import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../../src/util/duration.js';
import { formatSize, parseSize } from '../../../src/util/size.js';

describe('sizes and ages for prune', () => {
  it('parses sizes in binary units', () => {
    expect(parseSize('20G')).toBe(20 * 2 ** 30);
    expect(parseSize('500m')).toBe(500 * 2 ** 20);
    expect(parseSize('1.5KiB')).toBe(1536);
    expect(parseSize('1024')).toBe(1024);
    expect(() => parseSize('lots', '--max-size')).toThrow('--max-size: "lots" is not a size');
    expect(formatSize(1536)).toBe('1.5 KB');
  });

  it('parses days', () => {
    expect(parseDuration('30d')).toBe(30 * 86_400_000);
  });
});
