import { checkedLastResultsFile } from '../results/index.js';
import { usageError } from '../util/errors.js';

/** The results files `vmatrix report` reads: those given, after the newest run's with --last; one unless --merge. */
export async function resultsFiles(given: string[], flags: { last?: boolean; merge?: boolean }): Promise<string[]> {
  const files = flags.last ? [await checkedLastResultsFile(process.cwd()), ...given] : given;
  if (files.length === 0)
    throw usageError('NO_RESULTS', 'no results file given', {
      hint: 'vmatrix report .vmatrix/runs/<run-id>/results.json, or --last for the newest run',
    });
  if (files.length > 1 && !flags.merge) {
    throw usageError('SEVERAL_RESULTS', `${files.length} results files given: which one to show?`, {
      hint: 'to join them into one, add --merge',
    });
  }
  return files;
}
