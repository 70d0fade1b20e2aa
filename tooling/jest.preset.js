// Shared jest configuration. Workspace packages are mapped to their TypeScript sources so that
// tests never run against a stale dist/ and every test file sees one copy of each package.
const path = require('node:path');
const fs = require('node:fs');

const repoRoot = path.resolve(__dirname, '..');

function workspaceModuleMap() {
  const map = {};
  for (const group of ['packages', 'plugins']) {
    const groupDir = path.join(repoRoot, group);
    if (!fs.existsSync(groupDir)) continue;
    for (const dir of fs.readdirSync(groupDir)) {
      const manifest = path.join(groupDir, dir, 'package.json');
      if (!fs.existsSync(manifest)) continue;
      const { name } = JSON.parse(fs.readFileSync(manifest, 'utf8'));
      const pattern = name.replace('/', '\\/');
      map[`^${pattern}$`] = path.join(groupDir, dir, 'src', 'index.ts');
      map[`^${pattern}/testing$`] = path.join(groupDir, dir, 'src', 'testing', 'index.ts');
    }
  }
  return map;
}

const swcOptions = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
};

/** @returns {import('jest').Config} */
function createJestConfig(overrides = {}) {
  return {
    testEnvironment: 'node',
    transform: { '^.+\\.(t|j)s$': ['@swc/jest', swcOptions] },
    moduleNameMapper: workspaceModuleMap(),
    setupFiles: [path.join(__dirname, 'jest.setup.js')],
    testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
    testTimeout: 60000,
    ...overrides,
  };
}

module.exports = { createJestConfig };
