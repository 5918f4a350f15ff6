// ESLint for the TypeScript: the recommended rules of ESLint and typescript-eslint. Formatting is
// prettier's job (npm run format), so no style rule lives here.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
    { ignores: ["node_modules/", "reports/", ".gin-deploy/", "app/", "**/*.js", "!eslint.config.mjs"] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        rules: {
            // Unused names fail `tsc --noUnusedLocals` already; an argument kept for a signature is fine.
            "@typescript-eslint/no-unused-vars": [
                "error",
                { args: "none", caughtErrors: "none", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" },
            ],
            // Control characters are what config/ looks for in values.
            "no-control-regex": "off",
        },
    },
    {
        // Mocks and recorded resources are untyped by nature; tests reload modules with require().
        files: ["test/**/*.ts"],
        rules: { "@typescript-eslint/no-explicit-any": "off", "@typescript-eslint/no-require-imports": "off" },
    },
);
