// Text vmatrix did not write (a cell's output, axis values, step names, names from the catalog or a
// project) on its way to a terminal or a CI log: shown, never obeyed. A terminal acts on C0 and C1 control
// characters (ESC starts CSI, OSC, DCS, APC, PM and SOS sequences: cursor moves, screen clears, title
// changes, OSC 8 links, OSC 52 clipboard writes; U+009B is an 8-bit CSI, U+009D an 8-bit OSC), on BEL,
// backspace and a carriage return that overwrites the line; bidi overrides reorder what is shown. Each
// such character becomes its escape (`\u001b`), so a sequence's payload is left as plain text and the
// reader sees that something was there. One pass of one regex: linear time; text without them is
// returned as is, and neutralised text is left as is by a second pass.
//
// Logs on disk stay byte-exact: only what is displayed goes through here, and before vmatrix adds its own
// colour codes.

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const MULTI_LINE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex -- as above, newlines and line separators included
const ONE_LINE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function escape(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** `text` safe to print: tabs and newlines kept (a CRLF line end as LF), every other control character escaped. */
export function inert(text: string): string {
  // A carriage return right before a newline or the end is a CRLF line end, no overwrite: it goes.
  return text.replace(MULTI_LINE, (c, at: number) =>
    c === '\r' && (at + 1 === text.length || text[at + 1] === '\n') ? '' : escape(c),
  );
}

/** `text` safe to print as one line: newlines and line separators are escaped too. */
export function inertLine(text: string): string {
  return text.replace(ONE_LINE, escape);
}
