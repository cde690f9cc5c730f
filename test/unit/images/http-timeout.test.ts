import { describe, expect, it } from 'vitest';
import { stallTimeout, wireError } from '../../../src/images/http.js';

describe('stallTimeout (VMATRIX_HTTP_TIMEOUT)', () => {
  it('is 30 s when unset or empty', () => {
    expect(stallTimeout({})).toBe(30);
    expect(stallTimeout({ VMATRIX_HTTP_TIMEOUT: ' ' })).toBe(30);
  });

  it('takes whole or decimal seconds', () => {
    expect(stallTimeout({ VMATRIX_HTTP_TIMEOUT: '120' })).toBe(120);
    expect(stallTimeout({ VMATRIX_HTTP_TIMEOUT: ' 2.5 ' })).toBe(2.5);
    expect(stallTimeout({ VMATRIX_HTTP_TIMEOUT: '86400' })).toBe(86_400);
  });

  it.each(['soon', '0', '-5', '1e3', '30s', '0x10', '86401', 'Infinity'])(
    'refuses %j as a usage error naming the variable',
    (value) => {
      expect(() => stallTimeout({ VMATRIX_HTTP_TIMEOUT: value })).toThrow(
        expect.objectContaining({
          code: 'BAD_HTTP_TIMEOUT',
          exit: 2,
          message: `VMATRIX_HTTP_TIMEOUT: "${value}" is not a number of seconds`,
        }),
      );
    },
  );
});

describe('wireError', () => {
  const env = process.env.VMATRIX_HTTP_TIMEOUT;

  it('says how long a stalled server was silent, and how to wait longer', () => {
    process.env.VMATRIX_HTTP_TIMEOUT = '7';
    try {
      const headers = wireError(
        'http://h/x',
        Object.assign(new Error('Headers Timeout Error'), { code: 'UND_ERR_HEADERS_TIMEOUT' }),
      );
      const body = wireError(
        'http://h/x',
        Object.assign(new Error('Body Timeout Error'), { code: 'UND_ERR_BODY_TIMEOUT' }),
        '5 of 9 bytes',
      );
      expect(headers).toMatchObject({
        message: 'GET http://h/x: no data for 7 s (VMATRIX_HTTP_TIMEOUT)',
        hint: expect.stringContaining('raise VMATRIX_HTTP_TIMEOUT'),
      });
      expect(body.message).toBe('GET http://h/x: no data for 7 s after 5 of 9 bytes (VMATRIX_HTTP_TIMEOUT)');
    } finally {
      if (env === undefined) delete process.env.VMATRIX_HTTP_TIMEOUT;
      else process.env.VMATRIX_HTTP_TIMEOUT = env;
    }
  });

  it('keeps any other cause as it is, with how far the body came', () => {
    const e = wireError('http://h/x', new Error('other side closed'), '5 of 9 bytes');
    expect(e).toMatchObject({ message: 'GET http://h/x: other side closed after 5 of 9 bytes', hint: undefined });
    expect(e.cause).toBeInstanceOf(Error);
  });
});
