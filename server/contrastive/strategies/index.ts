// Strategies: stop-gradient, EMA target network, target temperature, collapse guards.
export { collapseGuards, type CollapseGuards } from './collapse';
export { EmaTarget, emaTau, type EmaOptions } from './ema';
export { stopGradient } from './stopGradient';
export { targetTemperatureLoss, type TargetTemperatureOptions } from './targetTemperature';
