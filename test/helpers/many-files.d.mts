export function pathOf(n: number): string;
export function contentOf(n: number): string;
export function manyFilesRepo(dir: string, count: number): Promise<string>;
