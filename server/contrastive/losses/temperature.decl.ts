import { num } from '../declare';

/** A softmax temperature option. */
export const temperatureOf = (def: number, markdownDescription: string) => num(markdownDescription, def, { exclusiveMinimum: 0, maximum: 100 }, [def, 0.1, 0.5]);
