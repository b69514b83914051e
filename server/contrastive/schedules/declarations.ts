// Every learning-rate schedule, in the order the schema offers them (tfjs-free).
import type { OptionsOf } from '../declare';
import { constant, cosine, warmup } from './schedule.decl';

export const SCHEDULES = [constant, cosine, warmup] as const;

export type ScheduleOptions = OptionsOf<(typeof SCHEDULES)[number]>;
export type ScheduleType = ScheduleOptions['type'];
