// The RFC 822-like stanzas of dpkg's status and apk's installed database: paragraphs separated by blank
// lines, one field per line. Only what a caller asks for is kept, scanned line by line in one pass.

/** The fields named in `wanted` (`Package` for dpkg, `P` for apk) of each paragraph of `text`, values trimmed. */
export function paragraphs(text: string, wanted: readonly string[]): Map<string, string>[] {
  const out: Map<string, string>[] = [];
  let current = new Map<string, string>();
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const line = text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end);
    start = end + 1;
    if (line.trim() === '') {
      if (current.size > 0) out.push(current);
      current = new Map();
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0 || line[0] === ' ' || line[0] === '\t') continue; // a continuation line, or not a field
    const name = line.slice(0, colon);
    if (wanted.includes(name)) current.set(name, line.slice(colon + 1).trim());
  }
  if (current.size > 0) out.push(current);
  return out;
}
