#!/usr/bin/env node
// Type-checks every ```ts block of README.md and docs/**/*.md against the workspace packages,
// as a user's code would see them: each block is an ES module (top-level await allowed) compiled
// with `moduleResolution: bundler`, so imports go through the packages' `exports` maps to their
// built declarations. Directives (HTML comments right before a block) are documented in
// markdown-snippets.mjs; a block is skipped only with `<!-- no-check: reason -->`.
// Errors are reported at the Markdown line they come from. Needs the packages built.
// Usage: node tooling/docs-snippets/check.mjs [file.md …]   (default: README.md and docs/**/*.md)
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { typescriptBlocks } from './markdown-snippets.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..');
const ts = createRequire(path.join(repoRoot, 'package.json'))('typescript');
const outDir = path.join(here, '.out');

/** README.md and every Markdown file under docs/, sorted. */
export function defaultPages() {
  const docs = fs
    .readdirSync(path.join(repoRoot, 'docs'), { recursive: true })
    .filter((entry) => entry.endsWith('.md'))
    .map((entry) => path.join('docs', entry));
  return ['README.md', ...docs.sort()];
}

/**
 * The files to type-check for one page: `{ file, code, sourceLines }`, where `sourceLines[i]` is
 * the Markdown line of generated line i (0 for hidden `snippet-given` lines).
 */
export function pageModules(page, markdown) {
  const slug = page.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '');
  const modules = [];
  const problems = [];
  let previous;
  for (const block of typescriptBlocks(markdown)) {
    const { directives } = block;
    if (directives['no-check'] !== undefined) {
      if (directives['no-check'] === true || directives['no-check'].trim() === '') {
        problems.push(
          `${page}:${block.line}: <!-- no-check --> needs a reason: <!-- no-check: why -->`,
        );
      }
      continue;
    }
    const codeLines = block.code.split('\n');
    let lines = codeLines;
    let sourceLines = codeLines.map((_, index) => block.line + index);
    if (directives['snippet-continues']) {
      if (!previous) {
        problems.push(
          `${page}:${block.line}: <!-- snippet-continues --> but no checked block before it`,
        );
      } else {
        lines = [...previous.lines, ...lines];
        sourceLines = [...previous.sourceLines, ...sourceLines];
      }
    }
    if (typeof directives['snippet-given'] === 'string') {
      const given = directives['snippet-given'].split('\n');
      lines = [...given, ...lines];
      sourceLines = [...given.map(() => 0), ...sourceLines];
    }
    const name =
      typeof directives['snippet-file'] === 'string'
        ? directives['snippet-file'].trim()
        : `block-line-${block.line}.ts`;
    // A module marker keeps a block without imports from sharing the global scope with others.
    lines = [...lines, 'export {};'];
    sourceLines = [...sourceLines, 0];
    modules.push({ file: path.join(outDir, slug, name), code: lines.join('\n'), sourceLines });
    previous = { lines: lines.slice(0, -1), sourceLines: sourceLines.slice(0, -1) };
  }
  return { modules, problems };
}

const COMPILER_OPTIONS = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
  types: ['node'],
  typeRoots: [path.join(repoRoot, 'node_modules', '@types')],
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  esModuleInterop: true,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
};

function main() {
  const pages = process.argv.slice(2).length > 0 ? process.argv.slice(2) : defaultPages();
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'package.json'), '{ "type": "module", "private": true }\n');
  const modules = [];
  const problems = [];
  for (const page of pages) {
    const result = pageModules(page, fs.readFileSync(path.resolve(repoRoot, page), 'utf8'));
    for (const module of result.modules) modules.push({ ...module, page });
    problems.push(...result.problems);
  }
  for (const { file, code } of modules) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, code);
  }
  const program = ts.createProgram(
    modules.map(({ file }) => file),
    COMPILER_OPTIONS,
  );
  const byFile = new Map(modules.map((module) => [path.resolve(module.file), module]));
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    const module = diagnostic.file && byFile.get(path.resolve(diagnostic.file.fileName));
    if (!module) {
      problems.push(`(compiler) TS${diagnostic.code}: ${message}`);
      continue;
    }
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
    const sourceLine = module.sourceLines[line];
    const where = sourceLine
      ? `${module.page}:${sourceLine}`
      : `${module.page} (hidden line of ${path.basename(module.file)})`;
    problems.push(`${where}: TS${diagnostic.code}: ${message}`);
  }
  if (problems.length > 0) {
    for (const problem of problems) console.error(problem);
    console.error(
      `docs-snippets: ${problems.length} problem(s) in ${modules.length} checked blocks`,
    );
    process.exit(1);
  }
  console.log(
    `docs-snippets: ${modules.length} TypeScript blocks of ${pages.length} pages type-check`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
