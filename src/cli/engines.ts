/** The engines `check`, `hook`, `snapshot` and `--impact` decide with, one cache per process (see engineCache.ts). */
import { engineCache } from '../engine/engineCache';
import { builtinPacks, grammarBytesForCli } from './io';

export const { engineFor } = engineCache(builtinPacks, grammarBytesForCli);
