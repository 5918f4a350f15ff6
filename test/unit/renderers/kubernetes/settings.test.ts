import * as assert from "assert";

import {
    imagePullPolicy,
    ReleaseSettings,
    ShapeSettings,
    validateRelease,
    validateShape,
} from "../../../../components/kubernetes/renderers/settings";
import { SHAPE } from "./shape";
import { parseCpu, parseMemory, parseQuantity } from "../../../../components/kubernetes/renderers/quantity";

const DIGEST_REF = `127.0.0.1:5000/gin-app@sha256:${"ab".repeat(32)}`;

const RELEASE: ReleaseSettings = {
    namespace: "default",
    imageRef: DIGEST_REF,
    version: "v1.2.3",
    environment: { APP_ENV: "dev" },
    secretKeys: ["DB_PASSWORD"],
};

function shapeProblems(over: Partial<ShapeSettings>): string {
    try {
        validateShape('KubernetesService "web"', { ...SHAPE, ...over });
    } catch (err) {
        return (err as Error).message;
    }
    assert.fail(`accepted ${JSON.stringify(over)}`);
}

function releaseProblems(over: Partial<ReleaseSettings>): string {
    try {
        validateRelease('KubernetesService "web"', SHAPE, { ...RELEASE, ...over });
    } catch (err) {
        return (err as Error).message;
    }
    assert.fail(`accepted ${JSON.stringify(over)}`);
}

describe("kubernetes quantities", () => {
    it("reads CPU in cores and memory in bytes, binary and decimal suffixes", () => {
        assert.strictEqual(parseCpu("c", "250m"), 0.25);
        assert.strictEqual(parseCpu("c", "1.5"), 1.5);
        assert.strictEqual(parseMemory("m", "128Mi"), 128 * 2 ** 20);
        assert.strictEqual(parseMemory("m", "1G"), 1e9);
        assert.strictEqual(parseQuantity("12Qi"), undefined);
    });

    it("refuses memory suffixes for CPU, millis for memory, and values that are not quantities", () => {
        assert.throws(() => parseCpu("resources.cpuLimit", "512Mi"), /resources\.cpuLimit = "512Mi" is not a CPU quantity/);
        assert.throws(() => parseCpu("resources.cpuLimit", "0"), /not a CPU quantity/);
        assert.throws(() => parseMemory("resources.memoryLimit", "500m"), /not a memory quantity/);
        assert.throws(() => parseMemory("resources.memoryLimit", "1k"), /below 1Mi/);
        assert.throws(() => parseMemory("resources.memoryLimit", "lots"), /not a memory quantity: use bytes with a suffix like "128Mi"/);
    });
});

describe("kubernetes settings checks", () => {
    it("accept a dev-like and a prod-like shape", () => {
        validateShape("x", SHAPE);
        validateShape("x", { ...SHAPE, replicas: 3, minReplicas: 3, maxReplicas: 10, service: { type: "LoadBalancer", port: 80 } });
        validateShape("x", { ...SHAPE, replicas: 1, minReplicas: 1, maxReplicas: 1, service: { type: "ClusterIP", port: 8080 } });
    });

    it("refuse an autoscaler whose maximum is below its minimum, and a start count outside them", () => {
        assert.match(shapeProblems({ minReplicas: 4, maxReplicas: 2, replicas: 3 }), /maxReplicas = 2 is below minReplicas = 4/);
        assert.match(shapeProblems({ replicas: 9 }), /replicas = 9 must lie from minReplicas \(2\) to maxReplicas \(5\)/);
        assert.match(shapeProblems({ replicas: 0 }), /replicas = 0 must be a whole number from 1 to 1000/);
    });

    it("refuse limits below requests and quantities that are not ones", () => {
        const msg = shapeProblems({ resources: { cpuRequest: "1", cpuLimit: "500m", memoryRequest: "256Mi", memoryLimit: "128Mi" } });
        assert.match(msg, /resources\.cpuLimit = "500m" is below resources\.cpuRequest = "1"/);
        assert.match(msg, /resources\.memoryLimit = "128Mi" is below resources\.memoryRequest = "256Mi"/);
        assert.match(
            shapeProblems({ resources: { ...SHAPE.resources, memoryLimit: "lots" } }),
            /resources\.memoryLimit = "lots" is not a memory quantity/,
        );
    });

    it("refuse a drain that does not end before the shutdown timeout, and a node port on a ClusterIP Service", () => {
        assert.match(shapeProblems({ drainSeconds: 20 }), /drainSeconds = 20 must be shorter than shutdownTimeoutSeconds = 20/);
        assert.match(
            shapeProblems({ service: { type: "ClusterIP", port: 80, nodePort: 30480 } }),
            /nodePort = 30480 needs service\.type NodePort or LoadBalancer/,
        );
        assert.match(
            shapeProblems({ service: { type: "Ingress" as never, port: 80 } }),
            /service\.type = "Ingress" must be one of ClusterIP, NodePort, LoadBalancer/,
        );
    });

    it("refuse source ranges on a Service that is no LoadBalancer, and a range that is no CIDR block", () => {
        assert.match(
            shapeProblems({ service: { type: "NodePort", port: 80, loadBalancerSourceRanges: ["203.0.113.0/24"] } }),
            /service\.loadBalancerSourceRanges needs service\.type LoadBalancer \(a NodePort Service ignores it\)/,
        );
        assert.match(
            shapeProblems({ service: { type: "LoadBalancer", port: 80, loadBalancerSourceRanges: ["203.0.113.7"] } }),
            /service\.loadBalancerSourceRanges\[0\] = "203\.0\.113\.7" is not a CIDR block/,
        );
    });

    it("report every problem at once, naming the component", () => {
        const msg = shapeProblems({ appName: "Gin_App", port: 0, maxReplicas: 1 });
        assert.match(msg, /^KubernetesService "web" has 3 problems; nothing was deployed:/);
        assert.match(msg, /appName = "Gin_App" must be a DNS label/);
        assert.match(msg, /port = 0 must be a whole number from 1 to 65535/);
        assert.match(msg, /maxReplicas = 1 is below minReplicas = 2/);
    });

    it("pull a digest IfNotPresent, a tag Always, and refuse latest or no tag", () => {
        assert.strictEqual(imagePullPolicy(DIGEST_REF), "IfNotPresent");
        assert.strictEqual(imagePullPolicy("registry.example.com/team/gin-app:v1.2.3"), "Always");
        assert.throws(() => imagePullPolicy("gin-app:latest"), /must be an image by digest, repository@sha256:<64 hex>/);
        assert.throws(() => imagePullPolicy("127.0.0.1:5000/gin-app"), /must be an image by digest/);
        assert.throws(() => imagePullPolicy("gin-app@sha256:abc"), /must be an image by digest/);
    });

    it("refuse variables the component owns, a PORT or HOST that disagrees, a key given twice, a bad name", () => {
        assert.match(
            releaseProblems({ environment: { SHUTDOWN_TIMEOUT: "30s" } }),
            /environment\.SHUTDOWN_TIMEOUT is set by KubernetesService from shutdownTimeoutSeconds/,
        );
        assert.match(releaseProblems({ environment: { PORT: "9090" } }), /environment\.PORT = "9090" differs from port = 8080/);
        assert.match(
            releaseProblems({ environment: { HOST: "127.0.0.1" } }),
            /environment\.HOST = "127\.0\.0\.1": in a pod the app must listen on every interface/,
        );
        assert.match(
            releaseProblems({ environment: { DB_PASSWORD: "x" } }),
            /DB_PASSWORD is given in both environment and secretEnvironment/,
        );
        assert.match(releaseProblems({ environment: { "1X": "x" } }), /environment key "1X" is not an environment variable name/);
        validateRelease("x", SHAPE, { ...RELEASE, environment: { HOST: "0.0.0.0", PORT: "8080", APP_ENV: "dev" } });
    });

    it("refuse a namespace that is not a DNS label and a version that names no release", () => {
        assert.match(releaseProblems({ namespace: "My_NS" }), /namespace = "My_NS" must be a DNS label/);
        assert.match(releaseProblems({ version: "latest" }), /version = "latest" must name the release/);
        assert.match(releaseProblems({ version: "" }), /version = "" must name the release/);
    });
});
