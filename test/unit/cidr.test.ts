// The one CIDR rule config/ and the policy pack share: a set of blocks is world-open when it
// covers all of IPv4 or all of IPv6, whatever the blocks' sizes.
import * as assert from "assert";

import { cidrProblem, isWorldOpen, worldOpenFamilies } from "../../components/rules/cidr";

describe("CIDR blocks (components/rules/cidr.ts)", () => {
    it("counts a /0 of either family as the whole internet", () => {
        assert.deepStrictEqual(worldOpenFamilies(["0.0.0.0/0"]), ["IPv4"]);
        assert.deepStrictEqual(worldOpenFamilies(["::/0"]), ["IPv6"]);
        assert.deepStrictEqual(worldOpenFamilies(["0.0.0.0/0", "::/0"]), ["IPv4", "IPv6"]);
    });

    it("sums coverage: halves, quarters, overlaps and any order cover the whole internet", () => {
        assert.deepStrictEqual(worldOpenFamilies(["0.0.0.0/1", "128.0.0.0/1"]), ["IPv4"]);
        assert.deepStrictEqual(worldOpenFamilies(["192.0.0.0/2", "0.0.0.0/1", "128.0.0.0/2"]), ["IPv4"]);
        assert.deepStrictEqual(worldOpenFamilies(["0.0.0.0/1", "64.0.0.0/2", "128.0.0.0/1", "10.0.0.0/8"]), ["IPv4"]);
        assert.deepStrictEqual(worldOpenFamilies(["::/1", "8000::/1"]), ["IPv6"]);
        assert.deepStrictEqual(worldOpenFamilies(["8000::/1", "::/2", "4000::/2"]), ["IPv6"]);
        // 2^32 blocks would be silly, but 256 /8s are a config someone could generate.
        const slash8s = Array.from({ length: 256 }, (_, i) => `${i}.0.0.0/8`);
        assert.deepStrictEqual(worldOpenFamilies(slash8s), ["IPv4"]);
        assert.deepStrictEqual(worldOpenFamilies(slash8s.slice(1)), [], "one /8 missing is not the world");
    });

    it("does not count a set with a gap, or one family's blocks toward the other", () => {
        assert.deepStrictEqual(worldOpenFamilies(["0.0.0.0/1", "192.0.0.0/2"]), []);
        assert.deepStrictEqual(worldOpenFamilies(["0.0.0.0/1", "128.0.0.0/2", "192.0.0.0/3", "224.0.0.0/4", "240.0.0.0/5"]), []);
        assert.deepStrictEqual(worldOpenFamilies(["0.0.0.0/1", "8000::/1"]), []);
        assert.deepStrictEqual(worldOpenFamilies(["198.51.100.7/32", "2001:db8::/32"]), []);
        assert.deepStrictEqual(worldOpenFamilies([]), []);
        assert.strictEqual(isWorldOpen(["not a cidr", "0.0.0.0/33"]), false);
    });

    it("reads what a policy sees unvalidated: padding, host bits and a zero-padded prefix", () => {
        assert.strictEqual(isWorldOpen([" 0.0.0.0/0 "]), true);
        assert.strictEqual(isWorldOpen(["0.0.0.0/00"]), true);
        assert.strictEqual(isWorldOpen(["10.1.2.3/1", "200.0.0.0/1"]), true, "host bits set: still the two halves");
        assert.strictEqual(isWorldOpen(["::ffff:0:0/96"]), false, "IPv4-mapped IPv6 is not the IPv6 internet");
    });

    it("still tells a malformed block apart with the network to use", () => {
        assert.strictEqual(cidrProblem("10.1.2.3/8"), "has host bits set; the network is 10.0.0.0/8");
        assert.strictEqual(cidrProblem("0.0.0.0/1"), undefined);
        assert.strictEqual(cidrProblem("8000::/1"), undefined);
    });
});
