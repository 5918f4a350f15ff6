// ts-node without type checking for this suite (fast); `npm run typecheck` checks the types.
process.env.TS_NODE_TRANSPILE_ONLY = process.env.TS_NODE_TRANSPILE_ONLY ?? "true";
