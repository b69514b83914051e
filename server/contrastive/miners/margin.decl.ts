import { num } from '../declare';

/** `margin` of the triplet miners. */
export const tripletMargin = (def: number) => num('Margin of the triplet condition d(a,n) − d(a,p) used to select triplets.', def, { minimum: 0 }, [def, 0.1, 0.5]);
