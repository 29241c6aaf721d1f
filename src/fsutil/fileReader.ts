/** The engine's file reader for Node adapters: bounded, and silent about what it cannot read. */
import { readFileSync, statSync } from 'node:fs';
import type { FileReader } from '../engine/unwrap';

/** Reads regular files up to 1 MiB; anything else reads as absent. */
export const fileReader: FileReader = {
  readFile(path: string): string | undefined {
    try {
      const st = statSync(path);
      if (!st.isFile() || st.size > 1024 * 1024) return undefined;
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
};
