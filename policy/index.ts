// The gin-deploy policy pack: `pulumi preview --policy-pack policy`. Each violation is mandatory
// on prod stacks and advisory on dev stacks (environment.ts); docs/policy.md lists the rules.
import { PolicyPack } from "@pulumi/policy";

import { PACK_NAME, policies } from "./policies";

new PolicyPack(PACK_NAME, { policies });
