// Models: build from an ArchitectureSpec, forward, weights, save/load in tfjs' layers format.
export { ContrastiveModel, l2Normalize, type ForwardOptions, type ForwardResult, type NamedVariable } from './contrastiveModel';
export { BACKBONE_TYPES, BACKBONE_NEEDS_IMAGES } from './backbones/index';
export { fileSystemHandler, MODEL_JSON, WEIGHTS_BIN } from './fileIO';
