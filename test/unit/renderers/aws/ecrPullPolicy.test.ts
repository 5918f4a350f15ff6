import * as assert from "assert";

import { renderEcrPullPolicy } from "../../../../components/aws/renderers/ecrPullPolicy";
import { broadEcrGrants, isAccountWideEcrManagedPolicy } from "../../../../components/rules/ecrPull";

const ARN = "arn:aws:ecr:eu-west-1:123456789012:repository/gin-app";

describe("the instance role's ECR pull policy", () => {
    it("logs in on * and pulls from the one repository, and the pack's rule finds nothing broad in it", () => {
        const doc = JSON.parse(renderEcrPullPolicy(ARN));
        assert.deepStrictEqual(doc.Statement[0], { Sid: "EcrLogin", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" });
        assert.deepStrictEqual(doc.Statement[1].Resource, ARN);
        assert.deepStrictEqual(broadEcrGrants(doc), []);
    });

    it("refuses a repository ARN with a wildcard, which would reach other repositories", () => {
        for (const arn of [
            "*",
            "arn:aws:ecr:eu-west-1:123456789012:repository/*",
            "arn:aws:ecr:*:123456789012:repository/gin-app",
            "arn:aws:ecr:eu-west-1:123456789012:repository/gin-?",
        ]) {
            assert.throws(
                () => renderEcrPullPolicy(arn),
                /has a wildcard, so the host could pull from more than this stack's repository/,
                arn,
            );
        }
    });
});

describe("ECR grants beyond one repository (components/rules/ecrPull.ts)", () => {
    it("knows AWS's managed ECR policies, which grant on every repository", () => {
        for (const arn of [
            "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
            "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
            "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPowerUser",
            "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryFullAccess",
            "arn:aws-cn:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
            "arn:aws:iam::aws:policy/service-role/AWSAppRunnerServicePolicyForECRAccess",
        ]) {
            assert.ok(isAccountWideEcrManagedPolicy(arn), arn);
        }
        assert.ok(!isAccountWideEcrManagedPolicy("arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"));
        assert.ok(!isAccountWideEcrManagedPolicy("arn:aws:iam::123456789012:policy/AmazonEC2ContainerRegistryReadOnly"));
    });

    it("finds pull, push or any repository action on a wildcard resource, by wildcard actions, NotAction and NotResource too", () => {
        const allow = (Action: unknown, Resource: unknown, extra = {}) => ({
            Statement: [{ Effect: "Allow", Action, Resource, ...extra }],
        });
        assert.strictEqual(broadEcrGrants(JSON.stringify(allow(["ecr:BatchGetImage"], "*"))).length, 1);
        assert.strictEqual(broadEcrGrants(allow("ecr:*", ARN.replace("gin-app", "*"))).length, 1);
        assert.strictEqual(broadEcrGrants(allow("ecr:Get*", "*")).length, 1);
        assert.strictEqual(broadEcrGrants(allow("*", ["*"])).length, 1);
        assert.strictEqual(broadEcrGrants(allow("ecr:putimage", "*")).length, 1);
        assert.strictEqual(broadEcrGrants({ Statement: { Effect: "Allow", NotAction: "iam:*", Resource: "*" } }).length, 1);
        assert.strictEqual(broadEcrGrants({ Statement: [{ Effect: "Allow", Action: "ecr:BatchGetImage", NotResource: ARN }] }).length, 1);
        // The login alone on *, a pull on one repository, a Deny, another service, and text that is not JSON: nothing.
        assert.deepStrictEqual(broadEcrGrants(allow("ecr:GetAuthorizationToken", "*")), []);
        assert.deepStrictEqual(broadEcrGrants(allow(["ecr:BatchGetImage"], ARN)), []);
        assert.deepStrictEqual(broadEcrGrants({ Statement: [{ Effect: "Deny", Action: "ecr:*", Resource: "*" }] }), []);
        assert.deepStrictEqual(broadEcrGrants(allow("s3:GetObject", "*")), []);
        assert.deepStrictEqual(broadEcrGrants("not json"), []);
    });
});
