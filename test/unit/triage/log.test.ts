import { describe, expect, it } from 'vitest';
import { cutLog, firstDeparture, stepSection, testsSection, type StepMarker } from '../../../src/triage/log.js';
import { masker } from '../../../src/triage/mask.js';

const me = { id: 'debian-11/build=Debug,std=11', slug: 'debian-11-build-debug-std-11' };
const mask = masker(me);

describe('masks', () => {
  it('hide times, temp paths, addresses, ids, durations, pids and the cell’s own names', () => {
    expect(mask('tmp=/tmp/tmp.8KCTKr40lz pid=76 at Sat Dec  5 02:17:17 UTC 2026 addr=0x6568063aed20')).toBe(
      'tmp=/tmp/<TMP> pid <PID> at <TIME> addr=0x<HEX>',
    );
    expect(mask('\u001b[32m2026-12-05T02:17:17.123Z ok\u001b[0m in 12ms (0.03 sec, 1.5 s)')).toBe(
      '<TIME> ok in <DUR> (<DUR>, <DUR>)',
    );
    expect(mask('[12:01:02.5] /tmp/pytest-of-root/pytest-3/test_x0 go-build1234/b001')).toBe(
      '[<TIME>] /tmp/<TMP>/test_x0 go-build<N>/b001',
    );
    expect(mask('container 3f2a9c0d1e4b5a6978 job [4123] PID: 99')).toBe('container <HEX> job [<N>] pid <PID>');
    expect(mask(`host ${me.slug} cell ${me.id} done`)).toBe('host <CELL> cell <CELL> done');
    // Versions, plain words and a name that only contains the slug stay.
    expect(mask('ldd (Debian GLIBC 2.31-13+deb11u11) 2.31 facade x-debian-11-build-debug-std-11z')).toBe(
      'ldd (Debian GLIBC 2.31-13+deb11u11) 2.31 facade x-debian-11-build-debug-std-11z',
    );
  });
});

const steps = (...texts: string[]): StepMarker[] => texts.map((text) => ({ name: text.split('\n')[0], text }));

describe('cutting a log at its steps', () => {
  it('skips the setup log inside the cell log, even a setup line equal to a step marker', () => {
    const s = steps('make', 'make check');
    const text = [
      '# vmatrix cell c',
      '# image 1 (debian-12)',
      '# setup layer 2640961f24f1226f',
      '+ apt-get install -y make',
      'Setting up make (4.3-4.1) ...',
      '+ make',
      'setup built it once',
      '+ make',
      'cc -o x x.c',
      '+ make check',
      'FAIL',
      '# failed (exit 2) in 1.0s',
    ].join('\n');
    const log = cutLog(text, s);
    expect(log.markers).toEqual([7, 9]);
    expect(stepSection(log, s, 0)).toEqual({ from: 8, to: 9 });
    expect(stepSection(log, s, 1)).toEqual({ from: 10, to: 11 });
  });

  it('does not take a forged "+ " line for a marker, nor a marker-like line before the setup layer', () => {
    const s = steps('./run-tests', 'echo done');
    const text = [
      '# vmatrix cell c',
      '+ ./run-tests',
      '# setup layer none',
      '+ ./run-tests',
      '+ set -x',
      '+ echo done twice',
      'ok',
      '+ echo done',
      'done',
      '# passed (exit 0) in 1.0s',
    ].join('\n');
    const log = cutLog(text, s);
    expect(log.markers).toEqual([3, 7]);
    expect(stepSection(log, s, 0)).toEqual({ from: 4, to: 7 });
  });

  it('reads the last attempt of a retried cell', () => {
    const s = steps('make check');
    const text = [
      '# setup layer none',
      '+ make check',
      'first try',
      '# failed (exit 2) in 1.0s',
      '',
      '# attempt 2 of 2 (VMATRIX_ATTEMPT=2), in a fresh cell',
      '+ make check',
      'second try',
      '# failed (exit 2) in 1.0s',
    ].join('\n');
    const log = cutLog(text, s);
    expect(log.markers).toEqual([6]);
    expect(stepSection(log, s, 0)).toEqual({ from: 7, to: 8 });
  });

  it('skips the rest of a multi-line step’s text after its marker', () => {
    const s = steps('for t in a b; do\n  ./t $t\ndone', 'true');
    const text = [
      '# setup layer none',
      '+ for t in a b; do',
      '  ./t $t',
      'done',
      'a ok',
      '+ true',
      '# passed (exit 0) in 1s',
    ];
    const log = cutLog(text.join('\n'), s);
    expect(stepSection(log, s, 0)).toEqual({ from: 4, to: 5 });
  });

  it('finds steps by results.json’s names, cut to 60 characters, when there is no inventory', () => {
    const long = `echo "${'x'.repeat(80)}"`;
    const s: StepMarker[] = [{ name: `${long.slice(0, 59)}…` }, { name: 'make check' }];
    const text = ['# setup layer none', `+ ${long}`, 'x', '+ make check', 'ok', '# passed (exit 0) in 1s'];
    expect(cutLog(text.join('\n'), s).markers).toEqual([1, 3]);
  });

  it('ends the last step at vmatrix’s end line, not at a "# " line of the output (TAP)', () => {
    const s = steps('node --test');
    const text = [
      '# setup layer none',
      '+ node --test',
      'not ok 1 - x',
      '# tests 1',
      '# fail 1',
      `# step "node --test" timed out after 5s: its cell was killed`,
      '# timed-out (killed by SIGKILL) in 5.0s',
    ];
    const log = cutLog(text.join('\n'), s);
    expect(stepSection(log, s, 0)).toEqual({ from: 2, to: 5 });
    expect(testsSection(log)).toEqual({ from: 1, to: 5 });
  });
});

describe('the first departure', () => {
  const other = { id: 'debian-12/build=Debug,std=11', slug: 'debian-12-build-debug-std-11' };
  const depart = (a: string[], b: string[]) => {
    const s = steps('make check');
    const fa = cutLog(['# setup layer none', '+ make check', ...a, '# failed (exit 2) in 1s'].join('\n'), s);
    const pb = cutLog(['# setup layer none', '+ make check', ...b, '# passed (exit 0) in 1s'].join('\n'), s);
    return firstDeparture(fa, stepSection(fa, s, 0)!, masker(me), pb, stepSection(pb, s, 0)!, masker(other));
  };

  it('is none when the logs are the same once masked', () => {
    expect(
      depart([`run in ${me.slug} at 02:17:17, 12ms`, 'ok'], [`run in ${other.slug} at 03:00:01, 9ms`, 'ok']),
    ).toBeUndefined();
  });

  it('is the failing log’s first unmatched line, past lines the passing log has more earlier', () => {
    const d = depart(
      [
        '[ 25%] Building C object a.o',
        '[ 50%] Built target a',
        'ldd (Debian GLIBC 2.31-13) 2.31',
        'reallocarray check failed at 0x7ffd76f165b7',
        'done',
      ],
      [
        'Scanning dependencies of target a',
        '[ 25%] Building C object a.o',
        '[ 50%] Built target a',
        'Scanning dependencies of target b',
        'ldd (Debian GLIBC 2.36-9) 2.36',
        'done',
      ],
    );
    expect(d?.failing).toEqual({
      line: 5,
      text: 'ldd (Debian GLIBC 2.31-13) 2.31',
      masked: 'ldd (Debian GLIBC 2.31-13) 2.31',
    });
    expect(d?.passing).toEqual({
      line: 7,
      text: 'ldd (Debian GLIBC 2.36-9) 2.36',
      masked: 'ldd (Debian GLIBC 2.36-9) 2.36',
    });
    expect(d?.context.map((l) => l.line)).toEqual([3, 4, 5, 6, 7]);
  });

  it('is the passing log’s next line when the failing step stopped short', () => {
    const d = depart(['a', 'b'], ['a', 'b', 'c', 'd']);
    expect(d?.failing).toBeUndefined();
    expect(d?.passing?.text).toBe('c');
    expect(d?.context.map((l) => l.text)).toEqual(['a', 'b']);
  });
});
