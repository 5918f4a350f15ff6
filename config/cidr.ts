// CIDR blocks as the security group and the prod rules read them.
import * as net from "net";

function ipv4ToNumber(address: string): number {
    return address.split(".").reduce((n, octet) => n * 256 + Number(octet), 0);
}

function ipv6ToBigInt(address: string): bigint {
    const [head, tail] = address.includes("::") ? address.split("::") : [address, undefined];
    const headGroups = head ? head.split(":") : [];
    const tailGroups = tail ? tail.split(":") : [];
    const missing = 8 - headGroups.length - tailGroups.length;
    const groups = tail === undefined ? headGroups : [...headGroups, ...Array(missing).fill("0"), ...tailGroups];
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
        const value = ipv4ToNumber(address);
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

/** True for a block that contains every address (0.0.0.0/0, ::/0). */
export function isWholeInternet(cidr: string): boolean {
    return /\/0+$/.test(cidr);
}
