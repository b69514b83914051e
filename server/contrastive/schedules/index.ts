export { createSchedule, SCHEDULE_TYPES, type LearningRateSchedule } from './schedule';
