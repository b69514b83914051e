/** Writes `perClass` coloured-shape PNGs per class under `root` (see shapes.mjs); resolves to how many. */
export function writeShapes(root: string, perClass: number, digits?: number): Promise<number>;
