import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Writes a file so that readers never see half of it: the bytes go to a temporary file in the
 * same directory, which is then renamed over the target (rename is atomic on one file system).
 */
export function writeFileAtomic(filePath: string, content: string | Uint8Array): void {
  const directory = path.dirname(path.resolve(filePath));
  fs.mkdirSync(directory, { recursive: true });
  const temporaryPath = path.join(
    directory,
    `.${path.basename(filePath)}.${process.pid}.${Date.now()}.tmp`,
  );
  try {
    fs.writeFileSync(temporaryPath, content);
    fs.renameSync(temporaryPath, filePath);
  } catch (error) {
    fs.rmSync(temporaryPath, { force: true });
    throw error;
  }
}
