// Types of the generated validator (validate-schema.js, written by schemas/generate.ts).
import type { ErrorObject } from 'ajv';

/** Whether a value is a valid spec; the reasons it is not are left in `errors`. */
interface PrecompiledValidator {
  (value: unknown): boolean;
  errors?: ErrorObject[] | null;
}

declare const validateSchema: PrecompiledValidator;
export = validateSchema;
