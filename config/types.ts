// The typed, validated stack config that the composition reads.
import type * as pulumi from "@pulumi/pulumi";

import type { CpuArchitecture } from "../components/build/cpuArchitecture";

export type Environment = "dev" | "prod";
export type DeployTarget = "aws" | "ssh" | "kubernetes";
export type DeployMode = "systemd" | "container";
export type LogLevel = "debug" | "info" | "warn" | "error";
// The modes the service accepts (app/internal/config).
export type SslMode = "disable" | "require" | "verify-full";

export interface Release {
    /** `git describe --tags --always --dirty`, or gin-deploy:release. */
    version: string;
    /** `git rev-parse HEAD`. */
    commit: string;
    /** The commit date (`git log -1 --format=%cI`), never the time of the build. */
    date: string;
}

/** The service's database; absent when it runs without one. */
export interface DatabaseConfig {
    host: string;
    port: number;
    name: string;
    user: string;
    password: pulumi.Output<string>;
    sslMode: SslMode;
    poolSize: number;
}

/** How a target reached over SSH is logged in to. */
export interface SshAccess {
    port: number;
    user: string;
    privateKey: pulumi.Output<string>;
}

/** Any host reachable over SSH (the local stack uses one on 127.0.0.1). */
export interface SshTargetConfig extends SshAccess {
    kind: "ssh";
    host: string;
    /** The host's SSH host key, "type base64": connections are refused unless the host presents it. */
    hostKey: string;
    arch: CpuArchitecture;
    /** Where the app answers from the machine running Pulumi. */
    publicUrl: string;
    /** Open the app port in the host's ufw when ufw exists. */
    hostFirewall: boolean;
}

/** An EC2 instance created by the stack. */
export interface AwsTargetConfig extends SshAccess {
    kind: "aws";
    region: string;
    instanceType: string;
    /** Follows the instance type (Graviton families are arm64). */
    arch: CpuArchitecture;
    /** A pinned AMI, or undefined for the newest Debian 12 image of the architecture. */
    amiId: string | undefined;
    appCidrs: string[];
    sshCidrs: string[];
    sshPublicKey: string;
}

/** A Kubernetes cluster: the mode is container by construction. */
export interface KubernetesTargetConfig {
    kind: "kubernetes";
    /** One of the two: a kubeconfig (secret), or a stack that exports one. */
    kubeconfig: pulumi.Output<string> | undefined;
    clusterStack: string | undefined;
    /** The nodes' CPU architecture, for an image built here. */
    arch: CpuArchitecture;
    namespace: string;
    replicas: number;
    maxReplicas: number;
    resources: { cpuRequest: string; cpuLimit: string; memoryRequest: string; memoryLimit: string };
    serviceType: "ClusterIP" | "NodePort" | "LoadBalancer";
    /** What a LoadBalancer admits; [] (dev only): the whole internet. */
    loadBalancerSourceRanges: string[];
    /** Undefined: the API server picks one. */
    nodePort: number | undefined;
    /** Where nodes are reached from here (the local cluster: 127.0.0.1). */
    nodeAddress: string | undefined;
    /** Where an image built here is pushed; undefined when gin-deploy:image names one. */
    imageRepository: string | undefined;
    /** Seconds `up` waits for a rollout. */
    rolloutTimeoutSeconds: number;
}

export type TargetConfig = SshTargetConfig | AwsTargetConfig | KubernetesTargetConfig;

export interface StackConfig {
    stack: string;
    environment: Environment;
    /** Why the stack is dev or prod: gin-deploy:environment, or the stack name's rule. */
    environmentReason: string;
    mode: DeployMode;
    appPort: number;
    /** APP_ENV for the service. */
    appEnv: string;
    logLevel: LogLevel;
    target: TargetConfig;
    /** Container mode: an image built elsewhere, by digest; undefined: built here. */
    image: string | undefined;
    /** Check the URL from the machine running Pulumi after each release. */
    reachabilityCheck: boolean;
    /** Undefined when gin-deploy:dbHost is empty. */
    db: DatabaseConfig | undefined;
    release: Release;
}

/** What git says about the checkout, or why it could not say. */
export type GitFacts = { describe: string; commit: string; date: string } | { error: string };

export interface RawConfig {
    /** The gin-deploy:* values by short key, as the engine hands them over (arrays as JSON text). */
    values: Readonly<Record<string, string | undefined>>;
    /** Short keys whose values are Pulumi secrets. */
    secretKeys: readonly string[];
    /** aws:region. */
    awsRegion?: string;
    git: GitFacts;
}
