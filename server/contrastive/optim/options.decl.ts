import { num } from '../declare';

export const learningRate = (def: number, markdownDescription: string) => num(markdownDescription, def, { exclusiveMinimum: 0, maximum: 100 }, [def, def / 10]);
export const weightDecay = (def: number) => num('L2 weight decay. Helps generalisation; too much shrinks the embeddings and slows learning.', def, { minimum: 0, maximum: 1 }, [def, 0.0001]);
