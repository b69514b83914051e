// Types of schemas/generate.mjs for the TypeScript tests that compare its output with the committed files.
export declare const schemaText: string;
/** The text of server/spec/generated/validate-schema.js. */
export declare const validatorText: string;
/** The ajv options the validator is compiled with. */
export declare const AJV_OPTIONS: { allErrors: boolean; discriminator: boolean; allowUnionTypes: boolean; keywords: string[] };
