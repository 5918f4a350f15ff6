// CIDR blocks as the config reads them: components/rules/cidr.ts holds the rules (well-formed,
// world-open by coverage), shared with the policy pack.
import { isWorldOpen } from "../components/rules/cidr";

export { cidrProblem, describeWorldOpen, isWorldOpen, worldOpenFamilies } from "../components/rules/cidr";

/** True for a block that contains every address (0.0.0.0/0, ::/0). A set of blocks: isWorldOpen. */
export function isWholeInternet(cidr: string): boolean {
    return isWorldOpen([cidr]);
}
