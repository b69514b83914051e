// Types of schemas/generate.mjs for the TypeScript tests that compare its output with the committed schema.
export declare const schemaText: string;
