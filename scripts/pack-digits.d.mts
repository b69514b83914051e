// Types of scripts/pack-digits.mjs for the TypeScript that imports it (its test).
export declare const DIGITS_MAGIC: string;
export declare function packDigits(mnistDir: string, version: string): Buffer;
export declare function ensurePackedDigits(root: string, dist: string): void;
