import { register } from 'node:module';
import { Ajv } from 'ajv';
import { schema as gitlabSchema } from 'gitlab-ci-local/src/schema/schema.js';

// The CI systems' own descriptions of their files, from npm packages: GitHub's workflow parser
// (@actions/workflow-parser, from github.com/actions/languageservices, which validates a workflow as
// GitHub does) and GitLab's CI JSON schema (as gitlab-ci-local ships it).

// @actions/workflow-parser imports its schema JSON without `with { type: 'json' }`, which bundlers
// accept and Node refuses: a loader hook adds the attribute in this test process only.
const JSON_HOOK = `export async function load(url, context, next) {
  return next(url, url.endsWith('.json') ? { ...context, importAttributes: { ...context.importAttributes, type: 'json' } } : context);
}`;
let parser: Promise<typeof import('@actions/workflow-parser')> | undefined;

/** GitHub's errors for a workflow file, as "file (Line: n, Col: m): message" strings; none when valid. */
export async function githubWorkflowErrors(name: string, content: string): Promise<string[]> {
  if (!parser) {
    register(`data:text/javascript,${encodeURIComponent(JSON_HOOK)}`);
    parser = import('@actions/workflow-parser');
  }
  const { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } = await parser;
  const parsed = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors().map(String);
  if (errors.length > 0 || !parsed.value) return errors;
  const template = await convertWorkflowTemplate(parsed.context, parsed.value);
  return (template.errors ?? []).map((e) => e.Message);
}

let gitlabValidate: ReturnType<Ajv['compile']> | undefined;

/** Where a parsed .gitlab-ci.yml breaks GitLab's schema, as "path: message" strings; none when valid. */
export function gitlabCiErrors(config: unknown): string[] {
  // The schema uses keywords and formats of its own (markdownDescription, uri-reference): not ours to check.
  gitlabValidate ??= new Ajv({ allErrors: true, strict: false, validateFormats: false }).compile(gitlabSchema);
  if (gitlabValidate(config)) return [];
  return (gitlabValidate.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message ?? e.keyword}`);
}
