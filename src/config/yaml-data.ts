import { parse } from 'yaml';

/**
 * A YAML text someone else publishes (Alpine's latest-releases.yaml), as plain data. config/ is the one
 * owner of the yaml library, so other folders that must read a YAML file ask here. Throws a plain Error
 * with the parser's message when the text is not YAML; the caller names the file.
 */
export function parseYamlData(text: string): unknown {
  return parse(text, { prettyErrors: false, maxAliasCount: 100 }) as unknown;
}
