import { describe, expect, it } from 'vitest';
import { shiftAcl } from '../../../src/util/idshift.js';

// POSIX ACL attributes (acl(5)): a u32 version 2, then entries of u16 tag, u16 permissions, u32 id.
const USER_OBJ = 0x01;
const USER = 0x02;
const GROUP_OBJ = 0x04;
const GROUP = 0x08;
const MASK = 0x10;
const OTHER = 0x20;
const UNDEFINED_ID = 0xffffffff;

function acl(entries: [tag: number, perm: number, id: number][], version = 2): Buffer {
  const out = Buffer.alloc(4 + 8 * entries.length);
  out.writeUInt32LE(version, 0);
  entries.forEach(([tag, perm, id], i) => {
    out.writeUInt16LE(tag, 4 + 8 * i);
    out.writeUInt16LE(perm, 6 + 8 * i);
    out.writeUInt32LE(id, 8 + 8 * i);
  });
  return out;
}

const from = { uid: 0, gid: 0 };
const to = { uid: 1048576, gid: 2097152 };

describe('shiftAcl', () => {
  it('moves named users by the uid range and named groups by the gid range, leaving ids outside them and entries without an id', () => {
    const value = acl([
      [USER_OBJ, 7, UNDEFINED_ID],
      [USER, 6, 42],
      [USER, 6, 70000],
      [GROUP_OBJ, 5, UNDEFINED_ID],
      [GROUP, 5, 4],
      [GROUP, 5, 65535],
      [GROUP, 4, 65536],
      [MASK, 7, UNDEFINED_ID],
      [OTHER, 5, UNDEFINED_ID],
    ]);
    expect(shiftAcl(value, from, to, 65536)).toEqual(
      acl([
        [USER_OBJ, 7, UNDEFINED_ID],
        [USER, 6, 70000],
        [USER, 6, 1048576 + 42],
        [GROUP_OBJ, 5, UNDEFINED_ID],
        [GROUP, 4, 65536],
        [GROUP, 5, 2097152 + 4],
        [GROUP, 5, 2097152 + 65535],
        [MASK, 7, UNDEFINED_ID],
        [OTHER, 5, UNDEFINED_ID],
      ]),
    );
  });

  it('leaves the input as it was, and an ACL without named entries the same', () => {
    const value = acl([
      [USER_OBJ, 7, UNDEFINED_ID],
      [USER, 7, 1],
      [GROUP_OBJ, 5, UNDEFINED_ID],
      [MASK, 7, UNDEFINED_ID],
      [OTHER, 0, UNDEFINED_ID],
    ]);
    const copy = Buffer.from(value);
    shiftAcl(value, from, to, 65536);
    expect(value).toEqual(copy);
    const minimal = acl([
      [USER_OBJ, 6, UNDEFINED_ID],
      [GROUP_OBJ, 4, UNDEFINED_ID],
      [OTHER, 4, UNDEFINED_ID],
    ]);
    expect(shiftAcl(minimal, from, to, 65536)).toEqual(minimal);
  });

  it('moves shifted ids back into the identity range, an id outside stays, in tag and id order', () => {
    const shifted = acl([
      [USER, 7, 1048576 + 1000],
      [GROUP, 5, 2097152 + 101],
      [GROUP, 5, 5],
    ]);
    expect(shiftAcl(shifted, to, from, 65536)).toEqual(
      acl([
        [USER, 7, 1000],
        [GROUP, 5, 5],
        [GROUP, 5, 101],
      ]),
    );
  });

  it('throws for a value that is not a version 2 ACL of whole entries', () => {
    expect(() => shiftAcl(Buffer.alloc(0), from, to, 65536)).toThrow(/length 0/);
    expect(() => shiftAcl(Buffer.from('0200', 'hex'), from, to, 65536)).toThrow(/length 2/);
    expect(() => shiftAcl(acl([[USER, 7, 1]]).subarray(0, 11), from, to, 65536)).toThrow(/length 11/);
    expect(() => shiftAcl(acl([[USER, 7, 1]], 1), from, to, 65536)).toThrow(/version 1/);
  });
});
