// Learning smoke test, the families with negatives: SimCLR, MoCo, SigLIP, binary NCE (see learningSmoke.ts).
import { smokeTests } from './learningSmoke';

smokeTests(['SimCLR', 'MoCo', 'SigLIP', 'NCE']);
