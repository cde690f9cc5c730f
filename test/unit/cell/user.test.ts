import { describe, expect, it } from 'vitest';
import { createUserStep, sourceOwner, testUser, USER_ID, userEnv } from '../../../src/cell/user.js';

describe('the test user', () => {
  it('is root by default, else a user with the same ids in every cell', () => {
    expect(testUser('root')).toEqual({ uid: 0, gid: 0 });
    expect(testUser('tester')).toEqual({ uid: USER_ID, gid: USER_ID });
    expect(userEnv('root')).toEqual({});
    expect(userEnv('tester')).toEqual({ HOME: '/home/tester', USER: 'tester', LOGNAME: 'tester' });
  });

  it('owns the snapshot through the user namespace mapping, or directly without one', () => {
    const map = { uid: 1048576, gid: 2097152, size: 65536 };
    expect(sourceOwner(map, 'root')).toEqual({ uid: 1048576, gid: 2097152 });
    expect(sourceOwner(map, 'tester')).toEqual({ uid: 1048576 + USER_ID, gid: 2097152 + USER_ID });
    expect(sourceOwner(undefined, 'tester')).toEqual({ uid: USER_ID, gid: USER_ID });
  });

  it('is created by useradd, busybox adduser, or by hand, and an image user with another uid is an error', () => {
    const step = createUserStep('tester');
    expect(step).toContain('useradd -m -u 2000 -g 2000 -s /bin/sh "$u"');
    expect(step).toContain('adduser -D -u 2000 -G "$u" -s /bin/sh "$u"');
    expect(step).toContain('echo "$u:x:2000:2000::/home/$u:/bin/sh" >> /etc/passwd');
    expect(step).toContain('choose another name for user:');
  });
});
