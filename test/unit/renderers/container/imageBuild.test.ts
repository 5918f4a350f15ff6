import * as assert from "assert";

import { renderImageBuild } from "../../../../components/container/renderers/imageBuild";
import { renderEcrLifecyclePolicy } from "../../../../components/aws/renderers/ecrLifecyclePolicy";

const settings = {
    context: "app",
    platform: "linux/arm64",
    version: "v1.2.3+meta",
    commit: "abc",
    date: "2026-01-01T00:00:00Z",
    repository: "127.0.0.1:5000/gin-app",
};

describe("image build settings", () => {
    it("stamps the release through build args and tags by version (+ is not a tag character)", () => {
        assert.deepStrictEqual(renderImageBuild(settings), {
            dockerfile: "app/Dockerfile",
            imageName: "127.0.0.1:5000/gin-app:v1.2.3-meta",
            args: { VERSION: "v1.2.3+meta", COMMIT: "abc", DATE: "2026-01-01T00:00:00Z" },
        });
    });

    it("appends the content id for a registry with immutable tags, shortening a long version to stay within 128", () => {
        assert.strictEqual(
            renderImageBuild({ ...settings, contentId: "0123456789ab" }).imageName,
            "127.0.0.1:5000/gin-app:v1.2.3-meta-0123456789ab",
        );
        const long = renderImageBuild({ ...settings, version: "v".repeat(128), contentId: "0123456789ab" }).imageName;
        assert.strictEqual(long.split(":").pop(), `${"v".repeat(115)}-0123456789ab`);
        assert.throws(() => renderImageBuild({ ...settings, contentId: "x" }), /contentId "x" must be 12 lower-case hex digits/);
    });

    it("passes stand-in base images only when given", () => {
        const b = renderImageBuild({
            ...settings,
            builderImage: "gin-deploy/standin-golang:x",
            runtimeImage: "gin-deploy/standin-alpine:y",
        });
        assert.strictEqual(b.args.BUILDER_IMAGE, "gin-deploy/standin-golang:x");
        assert.strictEqual(b.args.RUNTIME_IMAGE, "gin-deploy/standin-alpine:y");
    });

    it("refuses a platform the app is not built for and a repository without a registry", () => {
        assert.throws(() => renderImageBuild({ ...settings, platform: "windows/amd64" }), /platform "windows\/amd64"/);
        assert.throws(() => renderImageBuild({ ...settings, repository: "gin-app" }), /repository "gin-app" must be REGISTRY\/NAME/);
    });

    it("keeps the last N images in ECR", () => {
        const policy = JSON.parse(renderEcrLifecyclePolicy(5));
        assert.deepStrictEqual(policy.rules[0].selection, { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 5 });
        assert.deepStrictEqual(policy.rules[0].action, { type: "expire" });
        assert.throws(() => renderEcrLifecyclePolicy(0), /keepImages=0/);
    });
});
