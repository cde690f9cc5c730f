import { usageError } from '../../util/errors.js';

// An image reference as docker and skopeo spell it: [registry/]repository[:tag][@sha256:digest]. The
// first component is a registry only when it looks like a host (a dot, a port, or `localhost`); anything
// else is Docker Hub, where one-component names live under `library/`.

export interface OciRef {
  /** The registry as written (`docker.io`, `quay.io`, `127.0.0.1:5000`), for messages. */
  registry: string;
  /** Where to connect: `registry-1.docker.io` for Docker Hub, else the registry. */
  host: string;
  repository: string;
  /** A tag or a `sha256:` digest: what goes after /manifests/. */
  reference: string;
  /** The digest when the ref pins one. */
  digest?: string;
  /** http instead of https: only ever for a registry on this machine. */
  plainHttp: boolean;
}

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^\w[\w.-]{0,127}$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;
const DOCKER_HUB = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

export function parseOciRef(ref: string, insecure = false): OciRef {
  const bad = (why: string) =>
    usageError('BAD_OCI_REF', `"${ref}" is not an image reference: ${why}`, {
      hint: 'write it like docker.io/library/alpine:3.20, quay.io/org/image:tag or registry:5000/name@sha256:<hex>',
    });
  let rest = ref.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw bad(`"${digest}" is not a sha256 digest`);
  }
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  let tag: string | undefined;
  if (colon > slash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw bad(`"${tag}" is not a tag`);
  }
  const parts = rest.split('/');
  const hasRegistry = parts.length > 1 && /[.:]|^localhost$/.test(parts[0]);
  let registry = hasRegistry ? parts.shift()! : 'docker.io';
  if (DOCKER_HUB.has(registry)) registry = 'docker.io';
  if (registry === 'docker.io' && parts.length === 1) parts.unshift('library');
  if (parts.some((p) => !COMPONENT.test(p)))
    throw bad('a repository name is lower-case letters, digits and separators');
  const local = isLocalRegistry(registry);
  if (insecure && !local) {
    throw usageError(
      'OCI_INSECURE_REMOTE',
      `${ref}: insecure (plain http) is only allowed for a registry on localhost or 127.0.0.1`,
    );
  }
  return {
    registry,
    host: registry === 'docker.io' ? 'registry-1.docker.io' : registry,
    repository: parts.join('/'),
    reference: digest ?? tag ?? 'latest',
    ...(digest ? { digest } : {}),
    plainHttp: local,
  };
}

/** A registry on this machine is reached over http by default: it has no certificate to check. */
export function isLocalRegistry(registry: string): boolean {
  return /^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/.test(registry);
}

export function registryBase(r: OciRef): string {
  return `${r.plainHttp ? 'http' : 'https'}://${r.host}`;
}
