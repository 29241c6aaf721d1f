declare module 'interlock:builtin-packs' {
  import type { Pack } from '../engine/packs';
  const packs: { file: string; pack: Omit<Pack, 'file'> }[];
  export default packs;
}
