// Every suite runs ts-node without type checking (fast); `npm run typecheck` (tsc --noEmit) checks
// the types of all of them once.
process.env.TS_NODE_TRANSPILE_ONLY = process.env.TS_NODE_TRANSPILE_ONLY ?? "true";
