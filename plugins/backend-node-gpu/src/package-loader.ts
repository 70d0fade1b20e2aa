/** How the plugin finds and loads an optional package; swappable for tests. */
export interface PackageLoader {
  /** The package's entry file; throws when it is not installed. */
  resolve(packageName: string): string;
  load(packageName: string): unknown;
}

/**
 * Node's own `require`, reached through a variable so that TypeScript and bundlers do not try to
 * resolve the optional package at build time. Looks beside this plugin first, then from the
 * working directory (the user's project, where they installed the package).
 */
export const nodePackageLoader: PackageLoader = {
  resolve(packageName) {
    const nodeRequire: NodeJS.Require = require;
    try {
      return nodeRequire.resolve(packageName);
    } catch {
      return nodeRequire.resolve(packageName, { paths: [process.cwd()] });
    }
  },
  load(packageName) {
    const nodeRequire: NodeJS.Require = require;
    return nodeRequire(nodePackageLoader.resolve(packageName));
  },
};
