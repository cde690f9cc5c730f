// OpenPGP clearsigned text (RFC 4880, section 7), read without checking the signature: Gentoo's
// latest-stage3-*.txt and .DIGESTS, Fedora's *-CHECKSUM. signature.ts checks one with gpgv when the
// catalog names a key; without a key, only the signed part is read, so neither the armour lines nor lines
// someone appended after the signature count.

/** Whether `text` is a clearsigned message (its first non-blank line is the armour header). */
export function isClearsigned(text: string): boolean {
  return text.trimStart().startsWith('-----BEGIN PGP SIGNED MESSAGE-----');
}

/**
 * The signed text of a clearsigned message (armour headers up to the first empty line, dash-escaped lines,
 * the signature block after), or the text itself when it is not one. This does not check the signature:
 * it only finds the body.
 */
export function clearsignedBody(text: string): string {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const begin = lines.findIndex((l) => l.trim() === '-----BEGIN PGP SIGNED MESSAGE-----');
  if (begin < 0) return text;
  let i = begin + 1;
  while (i < lines.length && lines[i].trim() !== '') i++; // Hash: headers
  const body: string[] = [];
  for (i++; i < lines.length && lines[i].trim() !== '-----BEGIN PGP SIGNATURE-----'; i++) {
    body.push(lines[i].startsWith('- ') ? lines[i].slice(2) : lines[i]);
  }
  return body.join('\n');
}
