// Learning smoke test, the families without negatives: BYOL, SimSiam, VICReg, Barlow Twins (see learningSmoke.ts).
import { smokeTests } from './learningSmoke';

smokeTests(['BYOL', 'SimSiam', 'VICReg', 'Barlow Twins']);
