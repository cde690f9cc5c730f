// gitlab-ci-local ships GitLab's CI JSON schema (app/assets/javascripts/editor/schema/ci.json in GitLab's
// repository) as a plain module without type declarations.
declare module 'gitlab-ci-local/src/schema/schema.js' {
  export const schema: Record<string, unknown>;
}
