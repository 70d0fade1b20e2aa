import * as fs from 'node:fs';
import { UsageError, writeFileAtomic } from '@neusemslice/core';

/**
 * The finished points of a long study, one JSON file written atomically after each point, so a
 * run killed at any moment resumes where it stopped and a rerun with the same configuration
 * reuses what is done. A point is keyed by a string that names its whole configuration.
 */
export class CheckpointStore<Point> {
  private readonly points: Record<string, Point>;

  constructor(
    private readonly filePath: string,
    /** Identifies the configuration: a file made for another one is refused, not mixed in. */
    private readonly configuration: string,
  ) {
    this.points = {};
    if (!fs.existsSync(filePath)) return;
    let saved: { configuration?: unknown; points?: unknown };
    try {
      saved = JSON.parse(fs.readFileSync(filePath, 'utf8'));
    } catch (error) {
      throw new UsageError(
        `checkpoint ${filePath} is not valid JSON (${(error as Error).message}); delete it to start over`,
      );
    }
    if (saved.configuration !== configuration) {
      throw new UsageError(
        `checkpoint ${filePath} belongs to another configuration; delete it or choose another output directory`,
      );
    }
    Object.assign(this.points, saved.points as Record<string, Point>);
  }

  has(key: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.points, key);
  }

  get(key: string): Point | undefined {
    return this.has(key) ? this.points[key] : undefined;
  }

  /** Records a finished point and writes the file (temp file + rename). */
  set(key: string, point: Point): void {
    this.points[key] = point;
    writeFileAtomic(
      this.filePath,
      `${JSON.stringify({ configuration: this.configuration, points: this.points }, null, 1)}\n`,
    );
  }

  /** Runs `compute` unless the point is already done; returns the stored or new point. */
  async getOrCompute(key: string, compute: () => Promise<Point>): Promise<Point> {
    const done = this.get(key);
    if (done !== undefined) return done;
    const point = await compute();
    this.set(key, point);
    return point;
  }
}
