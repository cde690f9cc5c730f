// Package databases as their package managers write them, trimmed to a few packages each.

/** /var/lib/dpkg/status: Description continuation lines, a removed package's config files, multiarch libc6. */
export const DPKG_STATUS = `Package: adduser
Status: install ok installed
Priority: important
Section: admin
Installed-Size: 849
Maintainer: Debian Adduser Developers <adduser@packages.debian.org>
Architecture: all
Multi-Arch: foreign
Version: 3.134
Depends: passwd
Suggests: liblocale-gettext-perl, perl, cron, quota
Conffiles:
 /etc/adduser.conf cc3493ecfd0ecb6c4ba2ad0ea0a7ef1f
 /etc/deluser.conf 11a06baf8245fd8d690b99024d228c1f
Description: add and remove users and groups
 This package includes the 'adduser' and 'deluser' commands for creating
 and removing users.
 .
 Status: this line is a continuation, not a field
Homepage: https://salsa.debian.org/debian/adduser

Package: libc6
Status: install ok installed
Priority: optional
Section: libs
Installed-Size: 12987
Maintainer: GNU Libc Maintainers <debian-glibc@lists.debian.org>
Architecture: amd64
Multi-Arch: same
Source: glibc
Version: 2.36-9+deb12u14
Depends: libgcc-s1
Recommends: libidn2-0 (>= 2.0.5~)
Suggests: glibc-doc, debconf | debconf-2.0, libc-l10n, locales, libnss-nis, libnss-nisplus
Breaks: aide (<< 0.17.3-4+b3), busybox (<< 1.30.1-6)
Conffiles:
 /etc/ld.so.conf.d/x86_64-linux-gnu.conf d4e7a7b88a71b5ffd9e2644e71a0cfab
Description: GNU C Library: Shared libraries
 Contains the standard libraries that are used by nearly all programs on
 the system. This package includes shared versions of the standard C library
 and the standard math library, as well as many others.
Homepage: https://www.gnu.org/software/libc/libc.html

Package: libc6
Status: install ok installed
Priority: optional
Section: libs
Installed-Size: 12364
Maintainer: GNU Libc Maintainers <debian-glibc@lists.debian.org>
Architecture: i386
Multi-Arch: same
Source: glibc
Version: 2.36-9+deb12u14
Depends: libgcc-s1
Description: GNU C Library: Shared libraries
 Contains the standard libraries that are used by nearly all programs on
 the system.

Package: gcc-12
Status: install ok installed
Priority: optional
Section: devel
Architecture: amd64
Source: gcc-12 (12.2.0-14+deb12u1)
Version: 12.2.0-14+deb12u1
Description: GNU C compiler
 This is the GNU C compiler, a fairly portable optimizing compiler for C.

Package: gcc
Status: install ok installed
Architecture: amd64
Source: gcc-defaults (1.203)
Version: 4:12.2.0-3
Description: GNU C compiler
 This is the GNU C compiler, a fairly portable optimizing compiler for C.

Package: clang-14
Status: hold ok installed
Architecture: amd64
Source: llvm-toolchain-14
Version: 1:14.0.6-12
Description: C, C++ and Objective-C compiler
 Clang project is a C, C++, Objective C and Objective C++ front-end

Package: gcc-10
Status: install ok installed
Architecture: amd64
Version: 10.2.1-6
Description: GNU C compiler

Package: nano
Status: deinstall ok config-files
Priority: important
Section: editors
Installed-Size: 2830
Maintainer: Jordi Mallach <jordi@debian.org>
Architecture: amd64
Version: 7.2-1+deb12u1
Config-Version: 7.2-1+deb12u1
Conffiles:
 /etc/nanorc bf1c7fd3e7e5e4e3ee6ad2f8ca5a9a25
Description: small, friendly text editor inspired by Pico

Package: vim-tiny
Status: install ok unpacked
Architecture: amd64
Version: 2:9.0.1378-2
Description: Vi IMproved - enhanced vi editor - compact version
`;

/** /lib/apk/db/installed of Alpine 3.20, trimmed. */
export const APK_INSTALLED = `C:Q1F0QQWtO3pYBkkL9iyrWbZYqXXCY=
P:musl
V:1.2.5-r0
A:x86_64
S:410732
I:655360
T:the musl c library (libc) implementation
U:https://musl.libc.org/
L:MIT
o:musl
m:Natanael Copa <ncopa@alpinelinux.org>
t:1712008398
c:2b5bcc1d6e0f3b3ae4ab8a0d1fe3c08c3e2a1cb2
p:so:libc.musl-x86_64.so.1=1
F:lib
R:ld-musl-x86_64.so.1
a:0:0:755
Z:Q1v6OLNu4u4b/ayJ6iLtQPN9TBn6o=
R:libc.musl-x86_64.so.1
a:0:0:777
Z:Q17yJ3JFNypA4mxhJJr0ou6CzsJVI=

C:Q1x1MWQ9N0QhEfX0zC7/3Pn7ivi0c=
P:busybox
V:1.36.1-r29
A:x86_64
S:520000
I:925696
T:Size optimized toolbox of many common UNIX utilities
U:https://busybox.net/
L:GPL-2.0-only
o:busybox
m:Sören Tempel <soeren+alpine@soeren-tempel.net>
t:1717604416
c:4b1b7a96e5da3b3c9ab5fa8ed9a2b1c2e1f4b3b2
D:so:libc.musl-x86_64.so.1
F:bin
R:busybox
a:0:0:755
Z:Q1HhrUoHSLEq2wLWNQ/dr6XfhDvgI=

C:Q1aaaaaaaaaaaaaaaaaaaaaaaaaaaa=
P:gcc
V:13.2.1_git20240309-r0
A:x86_64
T:The GNU Compiler Collection
F:usr/bin
R:gcc

C:Q1bbbbbbbbbbbbbbbbbbbbbbbbbbbb=
P:clang17
V:17.0.6-r1
A:x86_64
T:C language family frontend for LLVM
p:clang=17.0.6-r1
`;

/** A pacman desc file (pacman 6's local database). */
export function pacmanDesc(name: string, version: string, arch: string): string {
  return [
    '%NAME%',
    name,
    '',
    '%VERSION%',
    version,
    '',
    '%BASE%',
    name,
    '',
    '%DESC%',
    `The ${name} package`,
    '',
    '%URL%',
    'https://archlinux.org',
    '',
    '%ARCH%',
    arch,
    '',
    '%BUILDDATE%',
    '1717000000',
    '',
    '%INSTALLDATE%',
    '1717100000',
    '',
    '%PACKAGER%',
    'Arch Linux <arch@example.org>',
    '',
    '%SIZE%',
    '48231424',
    '',
    '%LICENSE%',
    'GPL-2.0-or-later',
    'LGPL-2.1-or-later',
    '',
    '%VALIDATION%',
    'pgp',
    '',
  ].join('\n');
}

/** /var/db/xbps/pkgdb-0.38.plist of a Void root, trimmed. */
export const XBPS_PKGDB = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple Computer//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>_XBPS_ALTERNATIVES_</key>
	<dict>
		<key>awk</key>
		<array>
			<string>gawk</string>
		</array>
	</dict>
	<key>base-files</key>
	<dict>
		<key>architecture</key>
		<string>x86_64</string>
		<key>automatic-install</key>
		<true/>
		<key>conf_files</key>
		<array>
			<string>/etc/profile</string>
		</array>
		<key>installed_size</key>
		<integer>104856</integer>
		<key>pkgver</key>
		<string>base-files-0.144_1</string>
		<key>repository</key>
		<string>https://repo-default.voidlinux.org/current</string>
		<key>short_desc</key>
		<string>Void Linux base system files &amp; more</string>
		<key>state</key>
		<string>installed</string>
	</dict>
	<key>glibc</key>
	<dict>
		<key>architecture</key>
		<string>x86_64</string>
		<key>pkgver</key>
		<string>glibc-2.39_2</string>
		<key>state</key>
		<string>installed</string>
	</dict>
	<key>gcc</key>
	<dict>
		<key>architecture</key>
		<string>x86_64</string>
		<key>pkgver</key>
		<string>gcc-13.2.0_2</string>
		<key>state</key>
		<string>installed</string>
	</dict>
	<key>xz</key>
	<dict>
		<key>architecture</key>
		<string>x86_64</string>
		<key>pkgver</key>
		<string>xz-5.6.2_1</string>
		<key>state</key>
		<string>half-removed</string>
	</dict>
</dict>
</plist>
`;
