// CIDR blocks, the one module that reads them: whether a block is well-formed (config/ refuses
// one that is not) and whether a set of blocks is open to the whole internet. A set is world-open
// when, together, the blocks cover every IPv4 address or every IPv6 address, not only when one of
// them is /0 (["0.0.0.0/1", "128.0.0.0/1"] is the whole IPv4 internet too). config/ refuses such
// sshCidrs in prod and the policy pack refuses such SSH ingress; both call this. Pure: no Pulumi.
import * as net from "net";

export type IpFamily = "IPv4" | "IPv6";

interface Block {
    family: IpFamily;
    start: bigint;
    end: bigint;
}

function ipv4ToBigInt(address: string): bigint {
    return address.split(".").reduce((n, octet) => (n << 8n) + BigInt(Number(octet)), 0n);
}

function ipv6ToBigInt(address: string): bigint {
    const [head, tail] = address.includes("::") ? address.split("::") : [address, undefined];
    const headGroups = head ? head.split(":") : [];
    const tailGroups = tail ? tail.split(":") : [];
    const missing = 8 - headGroups.length - tailGroups.length;
    const groups = tail === undefined ? headGroups : [...headGroups, ...Array<string>(missing).fill("0"), ...tailGroups];
    return groups.reduce((n, group) => (n << 16n) + BigInt(parseInt(group, 16)), 0n);
}

/** Why a CIDR is malformed (undefined when it is fine); suggests the network address when host bits are set. */
export function cidrProblem(cidr: string): string | undefined {
    const match = /^([^/\s]+)\/(\d{1,3})$/.exec(cidr);
    if (!match) {
        return "is not a CIDR block of the form address/prefix (e.g. 203.0.113.7/32 or 2001:db8::/64)";
    }
    const [, address, prefixText] = match;
    const prefix = Number(prefixText);
    if (net.isIPv4(address)) {
        if (prefix > 32) {
            return `has prefix /${prefix}; an IPv4 prefix is 0 to 32`;
        }
        const value = Number(ipv4ToBigInt(address));
        const size = 2 ** (32 - prefix);
        const network = value - (value % size);
        if (network !== value) {
            const text = [24, 16, 8, 0].map((s) => Math.floor(network / 2 ** s) % 256).join(".");
            return `has host bits set; the network is ${text}/${prefix}`;
        }
        return undefined;
    }
    if (net.isIPv6(address) && !address.includes(".")) {
        if (prefix > 128) {
            return `has prefix /${prefix}; an IPv6 prefix is 0 to 128`;
        }
        const value = ipv6ToBigInt(address);
        const hostBits = (1n << BigInt(128 - prefix)) - 1n;
        if ((value & hostBits) !== 0n) {
            return "has host bits set; use the network address of the block";
        }
        return undefined;
    }
    return `has "${address}", which is not an IPv4 or IPv6 address`;
}

/** The addresses a block holds (host bits ignored), or undefined for anything that is not a CIDR block. */
function blockOf(cidr: string): Block | undefined {
    const match = /^([^/\s]+)\/(\d{1,3})$/.exec(String(cidr).trim());
    if (!match) return undefined;
    const [, address, prefixText] = match;
    const prefix = BigInt(Number(prefixText));
    let family: IpFamily;
    let value: bigint;
    let bits: bigint;
    if (net.isIPv4(address)) {
        [family, value, bits] = ["IPv4", ipv4ToBigInt(address), 32n];
    } else if (net.isIPv6(address) && !address.includes(".")) {
        [family, value, bits] = ["IPv6", ipv6ToBigInt(address), 128n];
    } else {
        return undefined;
    }
    if (prefix > bits) return undefined;
    const size = 1n << (bits - prefix);
    const start = value - (value % size);
    return { family, start, end: start + size - 1n };
}

/** Does the union of the blocks cover [0, 2^bits - 1]? */
function coversAll(blocks: Block[], bits: bigint): boolean {
    const sorted = [...blocks].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    let next = 0n; // the lowest address not yet covered
    for (const b of sorted) {
        if (b.start > next) return false;
        if (b.end + 1n > next) next = b.end + 1n;
    }
    return next === 1n << bits;
}

/** The families (IPv4, IPv6) whose every address the blocks cover together; [] when none. */
export function worldOpenFamilies(cidrs: readonly string[]): IpFamily[] {
    const blocks = cidrs.map(blockOf).filter((b): b is Block => b !== undefined);
    const open: IpFamily[] = [];
    if (
        coversAll(
            blocks.filter((b) => b.family === "IPv4"),
            32n,
        )
    )
        open.push("IPv4");
    if (
        coversAll(
            blocks.filter((b) => b.family === "IPv6"),
            128n,
        )
    )
        open.push("IPv6");
    return open;
}

/** True when the blocks together cover all of IPv4 or all of IPv6. */
export function isWorldOpen(cidrs: readonly string[]): boolean {
    return worldOpenFamilies(cidrs).length > 0;
}

/** "all of IPv4", "all of IPv4 and IPv6": for messages. */
export function describeWorldOpen(families: readonly IpFamily[]): string {
    return `all of ${families.join(" and ")}`;
}
