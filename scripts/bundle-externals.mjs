// What every Node bundle leaves external: native and wasm-loading packages, resolved from
// node_modules at run time. Shared by the build (scripts/build.mjs) and the recipe bench's probe
// bundle (bench/recipes.ts), so the bench runs the trainer bundled exactly as `contrastive-lab` does.
export const nodeExternal = ['vscode', '@tensorflow/tfjs-node', 'sharp', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs', '@tensorflow/tfjs-core', '@tensorflow/tfjs-layers', '@tensorflow/tfjs-backend-cpu', 'mnist', 'umap-js', 'chokidar', 'usearch'];
