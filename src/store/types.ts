/** image.json: what an extracted base root is and where it came from. */
export interface ImageMeta {
  id: string;
  distro: string;
  release: string;
  arch: string;
  source: unknown;
  /** sha256 of the artifact the root was built from (tarball digest), when there is one. */
  digest?: string;
  size: number;
  created: string;
}

/** layer.json: a committed overlay upper dir (packages + setup) on top of an image. */
export interface LayerMeta {
  id: string;
  image: string;
  parent?: string;
  /** Everything that determined the content, for `vmatrix image ls --layers` and debugging. */
  inputs: unknown;
  /**
   * The layer whose copy this one's build started from (layers/base.ts): for the record only, since the copy
   * makes this layer whole by itself (unlike `parent`, nothing here keeps that layer in the store).
   */
  startedFrom?: string;
  size: number;
  created: string;
}
