// Strategies: stop-gradient, EMA target network, target temperature, collapse guards.
export { collapseGuards, type CollapseGuards } from './collapse';
export { EmaTarget, emaTau } from './ema';
export { stopGradient } from './stopGradient';
export { targetTemperatureLoss } from './targetTemperature';
