import { BOTH_ENGINES, loss, num } from '../declare';

export const vicreg = loss('vicreg', 'VICReg (Bardes, Ponce & LeCun 2022): invariance (MSE between views) + variance (keep each dimension\'s std above 1) + covariance (decorrelate dimensions). Needs no negatives, no EMA, no stop-gradient. PML `VICRegLoss`.', {
  invarianceWeight: num('Weight λ of the invariance (MSE) term (PML default 25).', 25, { minimum: 0 }, [25]),
  varianceWeight: num('Weight μ of the variance term (PML default 25). Too small → collapse.', 25, { minimum: 0 }, [25]),
  covarianceWeight: num('Weight ν of the covariance term (PML default 1).', 1, { minimum: 0 }, [1]),
  eps: num('Numerical ε inside the standard deviation (PML default 1e-4).', 0.0001, { exclusiveMinimum: 0 }, [0.0001]),
}, { needsNegatives: false, usesDistance: false, softmaxLogits: false, minimisedByCollapse: false, expander: true, learnable: false, engines: BOTH_ENGINES });
