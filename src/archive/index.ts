// Decompression by magic bytes and safe tar extraction (the only user of tar-stream). Imports only util.
export { decompress, sniffCompression, type Compression, type DecompressOptions } from './decompress.js';
export { extractTar, type ExtractOptions, type ExtractProgress, type ExtractResult } from './extract.js';
export { DEFAULT_LIMITS, effectiveLimits, LIMIT_VARIABLES, type Limits } from './limits.js';
export { programOutput, type ProgramStreamOptions } from './program-stream.js';
export { allowedXattr } from './entry.js';
