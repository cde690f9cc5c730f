// Every test file starts without the GIT_* variables of whatever runs vitest. Under `git bisect run`, a
// hook or a git alias, GIT_DIR names the developer's repository, and the tests' own `git init` and
// `git config` (simple-git and execFileSync inherit the environment) would rewrite its config: this
// happened once, leaving core.bare=true and a hostile test's filters in a working clone.
for (const name of Object.keys(process.env)) {
  if (name.startsWith('GIT_')) delete process.env[name];
}
