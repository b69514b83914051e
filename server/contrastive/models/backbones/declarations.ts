// Every backbone, in the order the schema offers them (tfjs-free).
import type { OptionsOf } from '../../declare';
import { convnet } from './convnet.decl';
import { mlp } from './mlp.decl';
import { resnet } from './resnet.decl';

export const BACKBONES = [mlp, convnet, resnet] as const;

export type BackboneOptions = OptionsOf<(typeof BACKBONES)[number]>;
export type BackboneType = BackboneOptions['type'];
