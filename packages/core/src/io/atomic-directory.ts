import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Sibling directories of a replacement in progress, by what they hold:
 * - `.<name>.tmp-<id>`: being written, incomplete; safe to delete.
 * - `.<name>.new-<id>`: the complete new content, about to be renamed in.
 * - `.<name>.old-<id>`: the complete previous content, renamed aside, about to be deleted.
 */
type Stage = 'tmp' | 'new' | 'old';

let replacementCounter = 0;

function stagePath(target: string, stage: Stage, id: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${stage}-${id}`);
}

/** The leftover sibling directories of earlier replacements of `target`, newest first. */
function leftovers(target: string): { stage: Stage; path: string; mtimeMs: number }[] {
  const parent = path.dirname(target);
  const prefix = `.${path.basename(target)}.`;
  let names: string[];
  try {
    names = fs.readdirSync(parent);
  } catch {
    return [];
  }
  const found: { stage: Stage; path: string; mtimeMs: number }[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const match = /^(tmp|new|old)-[\w.-]+$/.exec(name.slice(prefix.length));
    if (!match) continue;
    const fullPath = path.join(parent, name);
    try {
      found.push({
        stage: match[1] as Stage,
        path: fullPath,
        mtimeMs: fs.statSync(fullPath).mtimeMs,
      });
    } catch {
      // Removed meanwhile.
    }
  }
  return found.sort((a, b) => b.mtimeMs - a.mtimeMs);
}

/**
 * Finishes or undoes a replacement that a crash interrupted: when `target` is missing, the newest
 * complete new content is renamed in (else the old content is renamed back); then every leftover
 * is removed. Call it only while holding the output's lock (see acquireOutputLock).
 * Returns what it did, for messages.
 */
export function recoverDirectoryReplacement(
  directory: string,
): 'nothing' | 'completed' | 'restored' {
  const target = path.resolve(directory);
  const found = leftovers(target);
  if (found.length === 0) return 'nothing';
  let outcome: 'nothing' | 'completed' | 'restored' = 'nothing';
  if (!fs.existsSync(target)) {
    const complete = found.find((entry) => entry.stage === 'new');
    const previous = found.find((entry) => entry.stage === 'old');
    const chosen = complete ?? previous;
    if (chosen) {
      fs.renameSync(chosen.path, target);
      outcome = chosen === complete ? 'completed' : 'restored';
    }
  }
  for (const entry of leftovers(target)) fs.rmSync(entry.path, { recursive: true, force: true });
  return outcome;
}

/**
 * Replaces a directory as a whole: `fill` writes the new content into a fresh sibling directory,
 * which then takes the target's place by renames (old aside, new in, old removed). A crash at any
 * point leaves the old or the new content complete, at the target or (between the two renames)
 * beside it, where `recoverDirectoryReplacement` finds it. When `fill` throws, the target is
 * untouched. Hold the output's lock while calling it.
 */
export async function replaceDirectoryAtomic(
  directory: string,
  fill: (temporaryDirectory: string) => Promise<void> | void,
): Promise<void> {
  const target = path.resolve(directory);
  recoverDirectoryReplacement(target);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const id = `${process.pid}-${Date.now()}-${replacementCounter++}`;
  const temporary = stagePath(target, 'tmp', id);
  fs.mkdirSync(temporary);
  try {
    await fill(temporary);
  } catch (error) {
    fs.rmSync(temporary, { recursive: true, force: true });
    throw error;
  }
  const complete = stagePath(target, 'new', id);
  fs.renameSync(temporary, complete);
  const previous = stagePath(target, 'old', id);
  const hadPrevious = fs.existsSync(target);
  if (hadPrevious) fs.renameSync(target, previous);
  fs.renameSync(complete, target);
  if (hadPrevious) fs.rmSync(previous, { recursive: true, force: true });
}
