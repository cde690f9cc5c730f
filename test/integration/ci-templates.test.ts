import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { githubWorkflowErrors, gitlabCiErrors } from '../helpers/ci-schemas.js';
import { runCli } from '../helpers/cli.js';

// templates/ci: each workflow is checked against its CI system's own schema, then its shell steps are run
// here as the CI system would run them, with the real vmatrix computing the matrix (and a recording
// stand-in where a step would run cells), so that the glue between the jobs is tested, not just the YAML.

const TEMPLATES = fileURLToPath(new URL('../../templates/ci/', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url));
const CONFIG = 'distros: [debian-12, busybox]\nmatrix:\n  cc: [gcc, clang]\ntest: make check CC=${{ matrix.cc }}\n';
const CELLS = ['debian-12/cc=gcc', 'debian-12/cc=clang', 'busybox/cc=gcc', 'busybox/cc=clang'];

/** Parsed YAML, read by the tests as the CI system would: any shape, checked by the expectations. */
type Job = Record<string, any>;

let project: string;
let realBin: string;
let fakeBin: string;

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), 'vmx-ci-'));
  await writeFile(join(project, 'vmatrix.yml'), CONFIG);
  realBin = await shimDir({ vmatrix: `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n` });
  // Records each call's arguments, one line per call, separated by \x1f.
  fakeBin = await shimDir({
    vmatrix: '#!/bin/sh\nprintf \'%s\\037\' "$@" >> "$VMX_CALLS"; printf \'\\n\' >> "$VMX_CALLS"\n',
  });
});

async function shimDir(programs: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'vmx-bin-'));
  // GitHub's runners run root's commands through sudo; here we are root already.
  await writeFile(join(dir, 'sudo'), '#!/bin/sh\n[ "$1" = -E ] && shift\nexec "$@"\n');
  for (const [name, text] of Object.entries(programs)) await writeFile(join(dir, name), text);
  for (const name of ['sudo', ...Object.keys(programs)]) await chmod(join(dir, name), 0o755);
  return dir;
}

/** Runs a step's script as the CI runner does (bash, stop at the first failing command). */
function sh(
  script: string,
  cwd: string,
  bin: string,
  env: Record<string, string> = {},
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-e', '-o', 'pipefail', '-c', script], {
      cwd,
      env: { ...process.env, NO_COLOR: '1', ...env, PATH: `${bin}:${process.env.PATH}` },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

/** Runs a script with the recording vmatrix and returns the argument lists it was called with. */
async function calls(script: string, cwd: string, env: Record<string, string> = {}): Promise<string[][]> {
  const log = join(await mkdtemp(join(tmpdir(), 'vmx-calls-')), 'calls');
  await writeFile(log, '');
  const r = await sh(script, cwd, fakeBin, { ...env, VMX_CALLS: log });
  expect(r.code, r.out).toBe(0);
  return (await readFile(log, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split('\x1f').slice(0, -1));
}

/** Makes what download-artifact leaves: one folder per test job, each holding that job's .vmatrix/runs. */
async function uploadedRuns(root: string, runs: string[][]): Promise<string[]> {
  const files: string[] = [];
  for (const [i, [prefix, runId]] of runs.entries()) {
    const dir = join(root, prefix!.replace('{i}', String(i)), runId!);
    await mkdir(join(dir, 'some-cell'), { recursive: true });
    await writeFile(join(dir, 'results.json'), '{}');
    await writeFile(join(dir, 'some-cell', 'log.txt'), '');
    files.push(join(prefix!.replace('{i}', String(i)), runId!, 'results.json'));
  }
  return files.sort();
}

describe('templates/ci/github-actions.yml', () => {
  let text: string;
  let workflow: Job;
  const step = (job: string, name: string): Job =>
    workflow.jobs[job].steps.find((s: Job) => s.name === name || s.id === name);

  beforeAll(async () => {
    text = await readFile(join(TEMPLATES, 'github-actions.yml'), 'utf8');
    workflow = parse(text) as Job;
  });

  it("is a workflow GitHub accepts (checked by GitHub's own workflow parser)", async () => {
    expect(await githubWorkflowErrors('github-actions.yml', text)).toEqual([]);
    // The parser does catch mistakes: a misspelt key, a job needing one that does not exist.
    expect(
      await githubWorkflowErrors(
        'bad.yml',
        text.replace('    runs-on: ubuntu-latest\n    outputs:', '    run-on: ubuntu-latest\n    outputs:'),
      ),
    ).not.toEqual([]);
    expect(await githubWorkflowErrors('bad.yml', text.replace('needs: plan', 'needs: planning'))).not.toEqual([]);
  });

  it('computes the matrix with vmatrix matrix --format github: one job per cell, or per shard', async () => {
    const output = join(project, 'github-output');
    const script = step('plan', 'matrix').run as string;
    for (const shards of ['', '3']) {
      await writeFile(output, '');
      const r = await sh(script, project, realBin, { GITHUB_OUTPUT: output, VMATRIX_SHARDS: shards });
      expect(r.code, r.out).toBe(0);
      const line = (await readFile(output, 'utf8')).trim();
      expect(line).toMatch(/^matrix=\{.*\}$/);
      const direct = await runCli(['matrix', '--format', 'github', ...(shards ? ['--shards', shards] : [])], {
        cwd: project,
      });
      expect(JSON.parse(line.slice('matrix='.length))).toEqual(JSON.parse(direct.stdout));
    }
    expect(JSON.parse(await readFile(join(project, 'vmatrix-plan/matrix.json'), 'utf8'))).toEqual({
      shard: ['1/3', '2/3', '3/3'],
    });
  });

  it('hands the cached merged results to every shard as the durations that balance them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vmx-ci-'));
    await writeFile(join(dir, 'vmatrix.yml'), CONFIG);
    await writeFile(join(dir, 'vmatrix-results.json'), '{"cached":true}');
    const r = await sh(step('plan', 'matrix').run, dir, realBin, {
      GITHUB_OUTPUT: join(dir, 'out'),
      VMATRIX_SHARDS: '2',
    });
    expect(r.code, r.out).toBe(0);
    expect(await readFile(join(dir, 'vmatrix-plan/durations.json'), 'utf8')).toBe('{"cached":true}');
    const upload = workflow.jobs.plan.steps.find((s: Job) => String(s.uses).startsWith('actions/upload-artifact'));
    const download = workflow.jobs.test.steps.find((s: Job) => String(s.uses).startsWith('actions/download-artifact'));
    expect([upload.with.name, upload.with.path]).toEqual(['vmatrix-plan', 'vmatrix-plan/']);
    expect([download.with.name, download.with.path]).toEqual(['vmatrix-plan', 'vmatrix-plan']);
  });

  it("takes vmatrix's matrix as strategy.matrix, per cell and per shard (checked by GitHub's parser)", async () => {
    expect(workflow.jobs.test.strategy.matrix).toBe('${{ fromJSON(needs.plan.outputs.matrix) }}');
    for (const args of [[], ['--shards', '2']]) {
      const matrix = JSON.parse(
        (await runCli(['matrix', '--format', 'github', ...args], { cwd: project })).stdout,
      ) as unknown;
      const literal = structuredClone(workflow);
      literal.jobs.test.strategy.matrix = matrix;
      expect(await githubWorkflowErrors('literal.yml', stringify(literal))).toEqual([]);
    }
    const malformed = structuredClone(workflow);
    malformed.jobs.test.strategy.matrix = { include: { cell: CELLS[0] } };
    expect(await githubWorkflowErrors('malformed.yml', stringify(malformed))).not.toEqual([]);
  });

  it("runs vmatrix test --cell or --shard in each job, with the plan's durations when there are some", async () => {
    const run = step('test', 'vmatrix test');
    // The step's env maps matrix values in; resolve `${{ matrix.x }}` as GitHub does (a missing key is '').
    const envFor = (entry: Record<string, string>): Record<string, string> =>
      Object.fromEntries(
        Object.entries(run.env as Record<string, string>).map(([k, v]) => {
          const m = /^\$\{\{ matrix\.(\w+) \}\}$/.exec(v);
          expect(m, `${k}: ${v}`).not.toBeNull();
          return [k, entry[m![1]!] ?? ''];
        }),
      );
    const perCell = JSON.parse((await runCli(['matrix', '--format', 'github'], { cwd: project })).stdout) as {
      include: Array<Record<string, string>>;
    };
    const dir = await mkdtemp(join(tmpdir(), 'vmx-ci-'));
    for (const entry of perCell.include)
      expect(await calls(run.run, dir, envFor(entry))).toEqual([['test', '--cell', entry.cell]]);
    expect(perCell.include.map((e) => e.cell)).toEqual(CELLS);
    await mkdir(join(dir, 'vmatrix-plan'));
    await writeFile(join(dir, 'vmatrix-plan/durations.json'), '{}');
    expect(await calls(run.run, dir, envFor({ shard: '2/3' }))).toEqual([
      ['test', '--shard', '2/3', '--durations', 'vmatrix-plan/durations.json'],
    ]);
    // The operator's flags (the host's network for a config that says `network: host`) reach every job.
    expect(workflow.env.VMATRIX_TEST_FLAGS).toBe('');
    expect(
      await calls(run.run, dir, { ...envFor({ shard: '1/3' }), VMATRIX_TEST_FLAGS: '--allow-host-network' }),
    ).toEqual([['test', '--allow-host-network', '--shard', '1/3', '--durations', 'vmatrix-plan/durations.json']]);
  });

  it('merges what the test jobs uploaded, in the folders download-artifact makes of them', async () => {
    const upload = workflow.jobs.test.steps.find((s: Job) => String(s.uses).startsWith('actions/upload-artifact'));
    expect(upload.with).toMatchObject({
      name: 'vmatrix-results-${{ strategy.job-index }}',
      'include-hidden-files': true,
    });
    expect(upload.with.path.split('\n').filter(Boolean)).toEqual(['.vmatrix/runs/', '!.vmatrix/runs/latest']);
    expect(upload.if).toBe('${{ !cancelled() }}');
    const download = workflow.jobs.report.steps.find((s: Job) =>
      String(s.uses).startsWith('actions/download-artifact'),
    );
    expect(download.with).toEqual({ pattern: 'vmatrix-results-*', path: 'parts' });
    expect(workflow.jobs.report).toMatchObject({ needs: 'test', if: '${{ !cancelled() }}' });

    const dir = await mkdtemp(join(tmpdir(), 'vmx-ci-'));
    // Artifacts hold the contents of .vmatrix/runs/: <run-id>/results.json and the cells' logs.
    const files = await uploadedRuns(join(dir, 'parts'), [
      ['vmatrix-results-{i}', '20300101-000001-aaaa'],
      ['vmatrix-results-{i}', '20300101-000002-bbbb'],
      ['vmatrix-results-{i}', '20300101-000003-cccc'],
    ]);
    expect(await calls(step('report', 'vmatrix report --merge').run, dir)).toEqual([
      ['report', '--merge', ...files.map((f) => join('parts', f)), '--output', 'vmatrix-results.json'],
    ]);
  });
});

describe('templates/ci/gitlab-ci.yml', () => {
  let text: string;
  let pipeline: Job;

  beforeAll(async () => {
    text = await readFile(join(TEMPLATES, 'gitlab-ci.yml'), 'utf8');
    pipeline = parse(text) as Job;
  });

  /** Runs the plan job's script and returns the child pipeline it writes. */
  async function childPipeline(shards: string): Promise<{ text: string; value: Job }> {
    const dir = await mkdtemp(join(tmpdir(), 'vmx-ci-'));
    await writeFile(join(dir, 'vmatrix.yml'), CONFIG);
    const r = await sh((pipeline['vmatrix-plan'].script as string[]).join('\n'), dir, realBin, {
      VMATRIX_SHARDS: shards,
    });
    expect(r.code, r.out).toBe(0);
    const child = await readFile(join(dir, 'vmatrix-pipeline.yml'), 'utf8');
    return { text: child, value: parse(child) as Job };
  }

  it("is a pipeline GitLab accepts (checked against GitLab's CI schema)", () => {
    expect(gitlabCiErrors(pipeline)).toEqual([]);
    // The schema does catch mistakes: an unknown trigger strategy, a job keyword misspelt.
    expect(
      gitlabCiErrors({
        ...pipeline,
        'vmatrix-test': {
          ...pipeline['vmatrix-test'],
          trigger: { ...pipeline['vmatrix-test'].trigger, strategy: 'wait' },
        },
      }),
    ).not.toEqual([]);
    expect(
      gitlabCiErrors({ ...pipeline, 'vmatrix-plan': { ...pipeline['vmatrix-plan'], scripts: ['true'] } }),
    ).not.toEqual([]);
  });

  it('triggers the child pipeline that its plan job writes', () => {
    expect(pipeline['vmatrix-test']).toMatchObject({
      needs: ['vmatrix-plan'],
      trigger: { include: [{ artifact: 'vmatrix-pipeline.yml', job: 'vmatrix-plan' }], strategy: 'depend' },
    });
    expect(pipeline['vmatrix-plan'].artifacts.paths).toEqual(['vmatrix-pipeline.yml']);
    expect(pipeline.variables).toEqual({ VMATRIX_PACKAGE: 'vmatrix', VMATRIX_SHARDS: '', VMATRIX_TEST_FLAGS: '' });
  });

  it('writes a child pipeline with one job per cell, from vmatrix matrix --format gitlab (checked against the schema)', async () => {
    const child = await childPipeline('');
    expect(gitlabCiErrors(child.value)).toEqual([]);
    expect(child.value['vmatrix-cell'].parallel).toEqual({ matrix: [{ VMATRIX_CELL: CELLS }] });
    const direct = await runCli(['matrix', '--format', 'gitlab'], { cwd: project });
    expect(parse(direct.stdout)).toEqual({ parallel: child.value['vmatrix-cell'].parallel });
  });

  it('writes one job per shard with VMATRIX_SHARDS', async () => {
    const child = await childPipeline('3');
    expect(gitlabCiErrors(child.value)).toEqual([]);
    expect(child.value['vmatrix-cell'].parallel).toEqual({ matrix: [{ VMATRIX_SHARD: ['1/3', '2/3', '3/3'] }] });
  });

  it('runs vmatrix test --cell or --shard in each job, and keeps its run as an artifact', async () => {
    const { value } = await childPipeline('');
    const job = value['vmatrix-cell'];
    const dir = await mkdtemp(join(tmpdir(), 'vmx-ci-'));
    const script = (job.script as string[]).join('\n');
    expect(await calls(script, dir, { VMATRIX_CELL: 'busybox/cc=gcc' })).toEqual([
      ['test', '--cell', 'busybox/cc=gcc'],
    ]);
    expect(await calls(script, dir, { VMATRIX_SHARD: '2/3' })).toEqual([['test', '--shard', '2/3']]);
    expect(await calls(script, dir, { VMATRIX_SHARD: '2/3', VMATRIX_TEST_FLAGS: '--allow-host-network' })).toEqual([
      ['test', '--allow-host-network', '--shard', '2/3'],
    ]);
    expect(job.artifacts).toEqual({ when: 'always', paths: ['.vmatrix/runs/'], exclude: ['.vmatrix/runs/latest'] });
  });

  it("merges every cell job's run after them, also when cells failed", async () => {
    const { value } = await childPipeline('');
    const report = value['vmatrix-report'];
    expect(value.stages.indexOf(report.stage)).toBeGreaterThan(value.stages.indexOf(value['vmatrix-cell'].stage));
    expect(report).toMatchObject({ when: 'always', artifacts: { when: 'always', paths: ['vmatrix-results.json'] } });
    // Earlier stages' artifacts are all unpacked into the job's checkout: every run lands in .vmatrix/runs.
    const dir = await mkdtemp(join(tmpdir(), 'vmx-ci-'));
    const files = await uploadedRuns(join(dir, '.vmatrix/runs'), [
      ['', '20300101-000001-aaaa'],
      ['', '20300101-000002-bbbb'],
    ]);
    expect(await calls((report.script as string[]).join('\n'), dir)).toEqual([
      ['report', '--merge', ...files.map((f) => join('.vmatrix/runs', f)), '--output', 'vmatrix-results.json'],
    ]);
  });
});

describe('templates/ci/distros-check.yml (GitHub Actions, weekly)', () => {
  let text: string;
  let workflow: Job;

  beforeAll(async () => {
    text = await readFile(join(TEMPLATES, 'distros-check.yml'), 'utf8');
    workflow = parse(text) as Job;
  });

  it("is a workflow GitHub accepts (checked by GitHub's own workflow parser), run weekly and by hand", async () => {
    expect(await githubWorkflowErrors('distros-check.yml', text)).toEqual([]);
    expect(workflow.on).toEqual({ schedule: [{ cron: '17 4 * * 1' }], workflow_dispatch: null });
    const broken = structuredClone(workflow);
    broken.on.schedule = [{ cron: 17 }];
    expect(await githubWorkflowErrors('broken.yml', stringify(broken))).not.toEqual([]);
  });

  it('runs vmatrix distros --check for each architecture, with the entries it is given', async () => {
    expect(workflow.jobs.check.strategy.matrix.arch).toEqual(['amd64', 'arm64']);
    const run = workflow.jobs.check.steps.find((s: Job) => s.name === 'vmatrix distros --check');
    expect(run.env).toEqual({ ARCH: '${{ matrix.arch }}' });
    const dir = await mkdtemp(join(tmpdir(), 'vmx-ci-'));
    expect(await calls(run.run, dir, { ...workflow.env, ARCH: 'arm64' })).toEqual([
      ['distros', '--check', '--arch', 'arm64'],
    ]);
    expect(
      await calls(run.run, dir, { ...workflow.env, ARCH: 'amd64', VMATRIX_CHECK_DISTROS: 'debian-13 alpine-latest' }),
    ).toEqual([['distros', '--check', '--arch', 'amd64', 'debian-13', 'alpine-latest']]);
  });
});

describe('templates/ci/distros-check.gitlab-ci.yml (GitLab CI, on a pipeline schedule)', () => {
  let pipeline: Job;

  beforeAll(async () => {
    pipeline = parse(await readFile(join(TEMPLATES, 'distros-check.gitlab-ci.yml'), 'utf8')) as Job;
  });

  it("is a pipeline GitLab accepts (checked against GitLab's CI schema), run by schedules and by hand only", () => {
    expect(gitlabCiErrors(pipeline)).toEqual([]);
    const job = pipeline['vmatrix-distros-check'];
    expect(job.rules).toEqual([{ if: '$CI_PIPELINE_SOURCE == "schedule" || $CI_PIPELINE_SOURCE == "web"' }]);
    expect(job.parallel).toEqual({ matrix: [{ VMATRIX_ARCH: ['amd64', 'arm64'] }] });
    expect(gitlabCiErrors({ ...pipeline, 'vmatrix-distros-check': { ...job, rules: 'weekly' } })).not.toEqual([]);
  });

  it('runs vmatrix distros --check for its architecture', async () => {
    const job = pipeline['vmatrix-distros-check'];
    const dir = await mkdtemp(join(tmpdir(), 'vmx-ci-'));
    const script = (job.script as string[]).join('\n');
    expect(await calls(script, dir, { ...pipeline.variables, VMATRIX_ARCH: 'arm64' })).toEqual([
      ['distros', '--check', '--arch', 'arm64'],
    ]);
  });
});
