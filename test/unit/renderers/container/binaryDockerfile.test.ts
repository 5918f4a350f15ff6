import * as assert from "assert";

import { DEFAULT_RUNTIME_IMAGE, renderBinaryDockerfile } from "../../../../components/container/renderers/binaryDockerfile";

describe("the Dockerfile for a prebuilt binary", () => {
    it("puts the binary on the runtime base (a build arg), as the numeric non-root user, as the entrypoint, stamped", () => {
        const text = renderBinaryDockerfile("plain-gin-app");
        const lines = text.split("\n").filter((l) => l && !l.startsWith("#"));
        assert.deepStrictEqual(
            lines.filter((l) => /^(ARG RUNTIME_IMAGE|FROM|COPY|USER|ENTRYPOINT|RUN)\b/.test(l)),
            [
                `ARG RUNTIME_IMAGE=${DEFAULT_RUNTIME_IMAGE}`,
                "FROM ${RUNTIME_IMAGE}",
                "COPY plain-gin-app /plain-gin-app",
                "USER 65532:65532",
                'ENTRYPOINT ["/plain-gin-app"]',
            ],
        );
        assert.match(text, /org\.opencontainers\.image\.version="\$\{VERSION\}"/);
    });

    it("refuses a file name that would need quoting, naming the fix", () => {
        assert.throws(
            () => renderBinaryDockerfile("my app"),
            /binaryPath's file name "my app" must be letters, digits and \. _ -.*rename the binary/,
        );
    });
});
