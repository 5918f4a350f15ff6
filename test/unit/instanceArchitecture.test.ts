import * as assert from "assert";

import { amiArchitecture, instanceArchitecture } from "../../components/aws/instanceArchitecture";

describe("instance type architecture", () => {
    const graviton = [
        "t4g.micro",
        "a1.large",
        "m6g.large",
        "m6gd.xlarge",
        "m7g.medium",
        "m8g.large",
        "c6gn.large",
        "c7g.large",
        "c8g.large",
        "r6g.large",
        "r7gd.large",
        "r8g.large",
        "x2gd.large",
        "im4gn.large",
        "is4gen.large",
        "i4g.large",
        "g5g.xlarge",
    ];
    for (const type of graviton) {
        it(`runs ${type} on arm64`, () => {
            assert.deepStrictEqual(instanceArchitecture(type), { ok: true, family: type.split(".")[0], architecture: "arm64" });
        });
    }

    for (const type of ["t3.micro", "t3a.small", "m5.large", "m7i-flex.large", "c7a.large", "r6i.large", "g4dn.xlarge", "g5.xlarge"]) {
        it(`runs ${type} on amd64`, () => {
            assert.deepStrictEqual(instanceArchitecture(type), { ok: true, family: type.split(".")[0], architecture: "amd64" });
        });
    }

    it("refuses an unknown family instead of guessing", () => {
        const lookup = instanceArchitecture("zz9.large");
        assert.strictEqual(lookup.ok, false);
        assert.match((lookup as { reason: string }).reason, /architecture of instance family "zz9" is unknown/);
    });

    it("refuses a malformed instance type", () => {
        const lookup = instanceArchitecture("t3");
        assert.strictEqual(lookup.ok, false);
        assert.match((lookup as { reason: string }).reason, /<family>\.<size>/);
    });

    it("names the AMI architecture for each GOARCH", () => {
        assert.strictEqual(amiArchitecture("amd64"), "x86_64");
        assert.strictEqual(amiArchitecture("arm64"), "arm64");
    });
});
