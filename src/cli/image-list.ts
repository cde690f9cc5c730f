import type { Entry } from '../store/index.js';
import { formatSize } from '../util/size.js';
import { table } from './table.js';

// `vmatrix image ls`: one row per image. With --layers: one row per setup layer, then what it was built
// from, one input a line, so that "why was this rebuilt?" is answered by comparing two blocks. Layers made
// before an input was recorded simply lack that line.

type Layer = Extract<Entry, { kind: 'layer' }>;
type Image = Extract<Entry, { kind: 'image' }>;

interface FileDigest {
  sha256?: string;
  mode?: string;
}

/** What layer.json records (run/layer-key.ts LayerInputs, plus the distro); every field may be missing. */
interface Inputs {
  distro?: string;
  packageManager?: string;
  packages?: string[];
  installRecommends?: boolean;
  setup?: string[];
  env?: Record<string, string>;
  files?: Record<string, FileDigest>;
  setupInputs?: Record<string, FileDigest>;
  workdir?: string;
  ids?: { uid: number; gid: number };
}

const MAX_COMMAND = 100;

function oneLine(command: string): string {
  const flat = command.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_COMMAND ? `${flat.slice(0, MAX_COMMAND - 1)}…` : flat;
}

const digests = (files: Record<string, FileDigest> | undefined): string[] =>
  Object.entries(files ?? {}).map(([path, d]) => `${path}  ${d.mode ?? '?'}  ${(d.sha256 ?? '').slice(0, 12)}`);

/** `label:` and the first value on one line, further values aligned under it. */
function field(label: string, values: string[]): string[] {
  return values.map((v, i) => `    ${(i === 0 ? `${label}:` : '').padEnd(14)}${v}`);
}

function details(inputs: Inputs, image: string): string[] {
  return [
    ...field('image', [image]),
    ...field('packages', inputs.packages?.length ? [inputs.packages.join(' ')] : []),
    ...field('recommends', inputs.installRecommends === false ? ['left out (install_recommends: false)'] : []),
    ...field('setup', (inputs.setup ?? []).map(oneLine)),
    ...field('env', Object.keys(inputs.env ?? {}).length ? [Object.keys(inputs.env!).sort().join(', ')] : []),
    ...field('files', digests(inputs.files)),
    ...field('setup_inputs', digests(inputs.setupInputs)),
    ...field('workdir', inputs.workdir ? [inputs.workdir] : []),
    ...field('userns', inputs.ids ? [`uid ${inputs.ids.uid}, gid ${inputs.ids.gid}`] : []),
  ];
}

export function layersText(layers: Layer[], images: Image[]): string {
  const header = ['LAYER', 'DISTRO', 'PM', 'SIZE', 'LAST USED'];
  const rows = layers.map((l) => {
    const inputs = (l.meta.inputs ?? {}) as Inputs;
    return [
      l.id,
      inputs.distro ?? '',
      inputs.packageManager ?? '',
      formatSize(l.size),
      l.lastUsed.toISOString().slice(0, 16).replace('T', ' '),
    ];
  });
  const [head, ...lines] = table(header, rows).split('\n');
  return [
    head,
    ...lines.flatMap((line, i) => {
      const l = layers[i];
      const image = images.find((e) => e.id === l.meta.image);
      return [line, ...details(l.meta.inputs ?? {}, image ? `${l.meta.image} (${image.meta.distro})` : l.meta.image)];
    }),
  ].join('\n');
}

export function imagesText(images: Image[]): string {
  return table(
    ['ID', 'DISTRO', 'RELEASE', 'ARCH', 'SOURCE', 'DIGEST', 'SIZE', 'LAST USED'],
    images.map((e) => [
      e.id,
      [e.meta.distro, ...e.names.filter((n) => n !== e.meta.distro)].join(','),
      e.meta.release,
      e.meta.arch,
      (e.meta.source as { kind?: string })?.kind ?? '',
      e.meta.digest ? e.meta.digest.slice(0, 12) : '',
      formatSize(e.size),
      e.lastUsed.toISOString().slice(0, 16).replace('T', ' '),
    ]),
  );
}
