// The HTML report is built from plain template literals through one tag, `html`, which escapes every
// value put into it unless that value is already Html (made by `html` itself, or `trusted` for the
// report's own CSS and script). Escaping is the default, so a forgotten call cannot turn a log line into
// markup, and no template engine is needed for one page.

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text, made safe for element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/** Markup that is already safe: the output of `html`, or text the program wrote itself. */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0];
  values.forEach((value, i) => {
    out += render(value) + strings[i + 1];
  });
  return new Html(out);
}

/** For the report's own constant CSS and script only: never for anything read from a run. */
export function trusted(text: string): Html {
  return new Html(text);
}

function render(value: unknown): string {
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === undefined || value === null || value === false) return '';
  // Interpolated values are strings, numbers and booleans; String() is what a plain template would do.
  // eslint-disable-next-line @typescript-eslint/no-base-to-string
  return escapeHtml(String(value));
}
