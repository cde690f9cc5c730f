import { describe, expect, it } from 'vitest';
import { compilersOf } from '../../../src/inventory/components.js';

// The compilers among a root's packages, in each family's names: C and C++, and the Go and Rust toolchains.

describe('compilersOf', () => {
  it("takes Debian's versioned compilers, not the packages that only depend on them", () => {
    const packages = ['gcc', 'gcc-12', 'golang-go', 'golang-1.19-go', 'golang-1.19-src', 'rustc', 'go-md2man'].map(
      (name) => ({ name, version: '1' }),
    );
    expect(compilersOf('apt', packages).map((c) => [c.name, c.from])).toEqual([
      ['gcc', 'gcc-12'],
      ['go', 'golang-1.19-go'],
      ['rust', 'rustc'],
    ]);
  });

  it('names Go and Rust in the other families too', () => {
    const on = (pm: string, names: string[]) =>
      compilersOf(
        pm,
        names.map((name) => ({ name, version: '1' })),
      ).map((c) => c.name);
    expect(on('apk', ['go', 'rust', 'gcc'])).toEqual(['gcc', 'go', 'rust']);
    expect(on('dnf', ['golang', 'rust', 'rust-std-static'])).toEqual(['go', 'rust']);
    expect(on('emerge', ['dev-lang/go', 'dev-lang/rust-bin'])).toEqual(['go', 'rust']);
  });
});
