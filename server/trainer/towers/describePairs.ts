// The `data` event's line of a two-tower run: the tfjs trainer's (towerSession.ts) and the PyTorch
// engine's, which the launcher hands it (engines/exportTowerSplit.ts), so both say the same.
import { plural } from '../../shared/plural';
import type { PairedSplit, SideInput } from './pairedSplit';

function describeSide(side: SideInput): string {
  return side.kind === 'text' ? 'texts' : side.what === 'image' ? `images ${side.samples.sampleShape.join('×')}` : `${side.samples.sampleShape[0]} numbers`;
}

export function describeData(data: PairedSplit): string {
  return `data: ${data.source}, ${data.count} pairs (a: ${describeSide(data.a)}, b: ${describeSide(data.b)}), ${data.train.length} train / ${data.test.length} held out${data.classNames ? `, ${plural(data.classNames.length, 'class', 'classes')}${data.classCaptions ? ' (zero-shot: one caption per class)' : ''}` : ', unlabelled'}`;
}
