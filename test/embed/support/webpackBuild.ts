/**
 * Builds the example page with webpack 5 (Node API, production mode): the
 * TypeScript entry is transpiled first (webpack has no TS loader by
 * default), and an index.html loads the classic `main.js` webpack emits.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import webpack from 'webpack';

export async function webpackBuild(appDir: string, outDir = join(appDir, 'wp-dist')): Promise<string> {
  const srcDir = join(appDir, 'wp-src');
  mkdirSync(srcDir, { recursive: true });
  const { outputText } = ts.transpileModule(readFileSync(join(appDir, 'src/main.ts'), 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
  });
  writeFileSync(join(srcDir, 'main.js'), outputText);
  const compiler = webpack({
    mode: 'production',
    context: appDir,
    entry: './wp-src/main.js',
    output: { path: outDir, filename: '[name].js', clean: true },
    performance: { hints: false },
  });
  const stats = await new Promise<webpack.Stats>((resolve, reject) =>
    compiler.run((err, s) => (err || !s ? reject(err ?? new Error('webpack: no stats')) : resolve(s))),
  );
  await new Promise<void>((r) => compiler.close(() => r()));
  if (stats.hasErrors()) throw new Error(stats.toString({ all: false, errors: true }));
  const html = readFileSync(join(appDir, 'index.html'), 'utf8').replace(
    /<script type="module" src="\/src\/main.ts"><\/script>/,
    '<script src="/main.js"></script>',
  );
  writeFileSync(join(outDir, 'index.html'), html);
  return outDir;
}
