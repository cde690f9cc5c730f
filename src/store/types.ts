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
  size: number;
  created: string;
}
