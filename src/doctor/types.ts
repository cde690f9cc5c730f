export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
  /** Debian package names that fix it, when a package does. */
  packages?: string[];
  /** The command to run by hand when no package does; one per line when it takes several. */
  fix?: string;
  /** Not fatal: cells run, with less than they could have. */
  warn?: boolean;
  /** What `--fix` does for it, when it is not a package. */
  repair?: () => Promise<string>;
}
