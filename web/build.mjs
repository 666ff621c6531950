// Builds the web app into --out (default dist/): one JavaScript bundle and one
// stylesheet named by their content hash, index.html pointing at them, and a
// .br and .gz twin of every text file for ecabinetd to send precompressed
// (api/web_assets.h). Prints each file's compressed size and fails when the
// JavaScript sent on first load exceeds the budget (150 KB brotli).
import * as esbuild from 'esbuild';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';
import { mkdirSync, readFileSync, writeFileSync, rmSync, readdirSync, statSync, copyFileSync } from 'node:fs';
import { join, dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const argOut = process.argv.indexOf('--out');
const out = argOut > 0 ? process.argv[argOut + 1] : join(here, 'dist');
const kBudgetBytes = 150 * 1024;

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'assets'), { recursive: true });

const result = await esbuild.build({
  entryPoints: [join(here, 'src/main.jsx')],
  bundle: true,
  minify: true,
  sourcemap: false,
  format: 'esm',
  target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  outdir: join(out, 'assets'),
  entryNames: '[name]-[hash]',
  assetNames: '[name]-[hash]',
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
});

const outputs = Object.keys(result.metafile.outputs).map((p) => '/' + relative(out, p).split('\\').join('/'));
const script = outputs.find((p) => p.endsWith('.js'));
const style = outputs.find((p) => p.endsWith('.css'));
if (!script || !style) throw new Error('the build made no script or no stylesheet');

const page = readFileSync(join(here, 'src/index.html'), 'utf8')
  .replace('%SCRIPT%', script)
  .replace('%STYLE%', style);
writeFileSync(join(out, 'index.html'), page);
copyFileSync(join(here, 'src/favicon.svg'), join(out, 'favicon.svg'));

let javascript = 0;
const walk = (dir) => readdirSync(dir).flatMap((f) => {
  const p = join(dir, f);
  return statSync(p).isDirectory() ? walk(p) : [p];
});
for (const file of walk(out)) {
  const bytes = readFileSync(file);
  const br = brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } });
  const gz = gzipSync(bytes, { level: 9 });
  writeFileSync(file + '.br', br);
  writeFileSync(file + '.gz', gz);
  if (file.endsWith('.js')) javascript += br.length;
  console.log(`${relative(out, file).padEnd(36)} ${String(bytes.length).padStart(8)} B  br ${String(br.length).padStart(7)} B  gz ${String(gz.length).padStart(7)} B`);
}
console.log(`JavaScript on first load: ${javascript} B brotli (budget ${kBudgetBytes} B)`);
if (javascript > kBudgetBytes) {
  console.error('over the JavaScript budget');
  process.exit(1);
}
