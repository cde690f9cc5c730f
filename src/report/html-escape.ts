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

/** What a template may interpolate: an object other than Html would print as [object Object], so it cannot. */
export type HtmlValue = Html | string | number | boolean | undefined | null | readonly HtmlValue[];

export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
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

function render(value: HtmlValue): string {
  if (value instanceof Html) return value.text;
  if (isList(value)) return value.map(render).join('');
  if (value === undefined || value === null || value === false) return '';
  return escapeHtml(String(value));
}

function isList(value: HtmlValue): value is readonly HtmlValue[] {
  return Array.isArray(value);
}
