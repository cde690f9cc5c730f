// Writes ajv's standalone code for each schema/*.schema.json into dist/validators/, run by `npm run build`
// after tsc: a command then loads a small module instead of compiling the schema at every start (about
// 0.15 s). Each file records the hash of the schema text it was made from; src/config/schema-check.ts
// uses it only while that hash matches, so an edited schema is never checked by an old validator.
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { Ajv } from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { AJV_KEYWORDS, AJV_OPTIONS, precompiledPath, schemaHash } from '../dist/config/schema-check.js';

const schemaDir = new URL('../schema/', import.meta.url);
const files = (await readdir(schemaDir)).filter((f) => f.endsWith('.schema.json'));
for (const file of files) {
  const text = await readFile(new URL(file, schemaDir), 'utf8');
  const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true } });
  ajv.addVocabulary(AJV_KEYWORDS);
  const code = standaloneCode(ajv, ajv.compile(JSON.parse(text)));
  const out = precompiledPath(file);
  await mkdir(new URL('.', `file://${out}`), { recursive: true });
  await writeFile(out, `${code}\nmodule.exports.schemaHash = ${JSON.stringify(schemaHash(text))};\n`);
}
console.log(`dist/validators: ${files.length} schemas`);
