// ts-node without type checking for this suite: `npm run typecheck` (tsc --noEmit) checks the types.
process.env.TS_NODE_TRANSPILE_ONLY = process.env.TS_NODE_TRANSPILE_ONLY ?? "true";
