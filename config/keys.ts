// The one table of config keys (namespace gin-deploy): type, default, description, secret, and
// where each key is used. Pulumi.yaml's schema and the README's table are generated from it
// (`npm run config:sync`), and a unit test fails when either has drifted.
//
// "auto" defaults: Pulumi's project schema applies one default to every stack, so values that
// depend on the environment or on other keys default to "auto" and are worked out in sections/.
// Secrets have no default and are not declared in Pulumi.yaml: a declared key without a default
// is required on every stack, and a secret is required only where it is used (sections/ends).
import { PORT_MAX, PORT_MIN } from "../components/rules/port";

export const CONFIG_NAMESPACE = "gin-deploy";

/** Where a key matters: every stack, a target, a mode, or the database when dbHost is set. */
export type KeyScope = "all" | "aws" | "ssh" | "kubernetes" | "systemd" | "container" | "database";

export interface ConfigKeySpec {
    type: "string" | "integer" | "boolean" | "array";
    /** The schema default; absent for secrets. */
    default?: string | number | boolean | readonly string[];
    secret?: true;
    /**
     * One person's value (their address, their key), not the team's: `npm run pulumi` keeps it
     * in the checkout's git-ignored .gin-deploy/user/, never in a committed stack file.
     */
    perUser?: true;
    usedBy: readonly KeyScope[];
    description: string;
}

export const CONFIG_KEYS = {
    environment: {
        type: "string",
        default: "auto",
        usedBy: ["all"],
        description:
            "dev or prod: prod refuses dbSslMode disable and SSH open to the world. auto: a stack whose name's first word (split at - _ .; any case) is prod or production is prod (prod, Prod, production-eu, prod_eu), any other stack is dev (preprod, staging).",
    },
    target: {
        type: "string",
        default: "aws",
        usedBy: ["all"],
        description:
            "Where the service runs: aws (an EC2 instance this stack creates), ssh (an existing host reached over SSH, e.g. the local stack's) or kubernetes (a cluster).",
    },
    mode: {
        type: "string",
        default: "auto",
        usedBy: ["aws", "ssh"],
        description:
            "How it runs on a host: systemd (a static binary and a hardened unit) or container (an image from app/Dockerfile run by systemd). auto: systemd on aws and ssh, container on kubernetes (the only mode there).",
    },
    image: {
        type: "string",
        default: "",
        usedBy: ["container", "kubernetes"],
        description:
            "An image built elsewhere (CI), REPOSITORY@sha256:<digest>, deployed instead of building app/Dockerfile here. Empty: build and push it here. Required by digest in prod.",
    },
    appPort: {
        type: "integer",
        default: 8080,
        usedBy: ["all"],
        description: `The TCP port the service listens on, on the host (${PORT_MIN}-${PORT_MAX}, not the SSH port).`,
    },
    appEnv: {
        type: "string",
        default: "auto",
        usedBy: ["all"],
        description:
            "APP_ENV for the service (development, dev, local, test, staging, production, prod). auto: the environment (dev or prod).",
    },
    logLevel: {
        type: "string",
        default: "info",
        usedBy: ["all"],
        description: "LOG_LEVEL for the service: debug, info, warn or error.",
    },
    release: {
        type: "string",
        default: "auto",
        usedBy: ["all"],
        description:
            "The version stamped into the binary and image. auto: git describe --tags --always --dirty (commit and date always come from git).",
    },
    reachabilityCheck: {
        type: "boolean",
        default: true,
        usedBy: ["all"],
        description:
            "After each release, request the URL's /version from the machine running pulumi and fail `up` with the likely cause when it does not answer. false: for a host this machine cannot reach (a private subnet); the output says it was not checked.",
    },
    hostFirewall: {
        type: "boolean",
        default: false,
        usedBy: ["ssh"],
        description: "On ssh targets, also open appPort in the host's ufw when ufw is installed.",
    },
    sshHost: {
        type: "string",
        default: "",
        usedBy: ["ssh"],
        description: "ssh target: the host name or address to deploy to.",
    },
    sshPort: {
        type: "integer",
        default: 22,
        usedBy: ["ssh", "aws"],
        description: "The SSH port of the host (aws: the port the security group opens to sshCidrs).",
    },
    sshUser: {
        type: "string",
        default: "auto",
        usedBy: ["ssh", "aws"],
        description: "The SSH user (needs sudo or root). auto: admin on aws (Debian images), root on ssh targets.",
    },
    sshPrivateKey: {
        type: "string",
        secret: true,
        perUser: true,
        usedBy: ["ssh", "aws"],
        description:
            "The SSH private key (PEM/OpenSSH) used to deploy; required on targets reached over SSH, secret: pulumi config set --secret gin-deploy:sshPrivateKey < ~/.ssh/id_ed25519",
    },
    sshHostKey: {
        type: "string",
        default: "",
        usedBy: ["ssh"],
        description:
            "ssh target: the host's SSH host key, one line as known_hosts holds it (ssh-ed25519 AAAA...). Every connection is refused, before anything is sent, unless the host presents this key. Get it with ssh-keyscan -t ed25519 <host> and compare its fingerprint (ssh-keygen -lf) with the host's own, read on its console: ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub. The local stack's is set by deploy:local from the local host.",
    },
    hostArch: {
        type: "string",
        default: "amd64",
        usedBy: ["ssh", "kubernetes"],
        description:
            "ssh and kubernetes targets: the host's (nodes') CPU architecture, amd64 or arm64 (aws targets take it from instanceType).",
    },
    publicUrl: {
        type: "string",
        default: "auto",
        usedBy: ["ssh"],
        description: "ssh target: the URL the service answers at from the machine running pulumi. auto: http://<sshHost>:<appPort>.",
    },
    instanceType: {
        type: "string",
        default: "t4g.micro",
        usedBy: ["aws"],
        description:
            "aws: the EC2 instance type. Its family decides the architecture of the AMI and the binary (Graviton families such as t4g are arm64).",
    },
    amiId: {
        type: "string",
        default: "auto",
        usedBy: ["aws"],
        description:
            "aws: a pinned AMI id matching the instance type's architecture. auto: the newest Debian 12 image (a new image then replaces the instance).",
    },
    appCidrs: {
        type: "array",
        default: ["auto"],
        usedBy: ["aws"],
        description:
            'aws: the IPv4/IPv6 blocks allowed to reach appPort. ["auto"]: dev opens it to the whole internet (0.0.0.0/0, ::/0); prod refuses to start until they are listed.',
    },
    sshCidrs: {
        type: "array",
        default: [],
        perUser: true,
        usedBy: ["aws"],
        description:
            "aws: the blocks allowed to reach SSH (the machine running pulumi). Required on aws; in prod never the whole internet (0.0.0.0/0, ::/0, or blocks that together cover it).",
    },
    sshPublicKey: {
        type: "string",
        default: "",
        perUser: true,
        usedBy: ["aws"],
        description: "aws: the OpenSSH public key installed on the instance (the public half of sshPrivateKey). Required on aws.",
    },
    kubeconfig: {
        type: "string",
        secret: true,
        usedBy: ["kubernetes"],
        description:
            "kubernetes: the cluster's kubeconfig (YAML or JSON), secret: pulumi config set --secret gin-deploy:kubeconfig < kubeconfig. Not needed with clusterStack.",
    },
    clusterStack: {
        type: "string",
        default: "",
        usedBy: ["kubernetes"],
        description:
            "kubernetes: a stack (org/project/stack) that exports the cluster's kubeconfig as `kubeconfig` (e.g. an EKS stack), read through a StackReference instead of gin-deploy:kubeconfig.",
    },
    namespace: {
        type: "string",
        default: "gin-app",
        usedBy: ["kubernetes"],
        description: "kubernetes: the namespace, created by the stack (restricted Pod Security Standard) and deleted with it.",
    },
    replicas: {
        type: "integer",
        default: 2,
        usedBy: ["kubernetes"],
        description: "kubernetes: the pods the Deployment starts with and the autoscaler's minimum (at least 2 in prod).",
    },
    maxReplicas: {
        type: "integer",
        default: 4,
        usedBy: ["kubernetes"],
        description: "kubernetes: the autoscaler's maximum (at least replicas).",
    },
    cpuRequest: {
        type: "string",
        default: "100m",
        usedBy: ["kubernetes"],
        description: "kubernetes: each pod's CPU request (a Kubernetes quantity).",
    },
    cpuLimit: {
        type: "string",
        default: "500m",
        usedBy: ["kubernetes"],
        description: "kubernetes: each pod's CPU limit (at least cpuRequest).",
    },
    memoryRequest: {
        type: "string",
        default: "64Mi",
        usedBy: ["kubernetes"],
        description: "kubernetes: each pod's memory request.",
    },
    memoryLimit: {
        type: "string",
        default: "128Mi",
        usedBy: ["kubernetes"],
        description: "kubernetes: each pod's memory limit (at least memoryRequest).",
    },
    serviceType: {
        type: "string",
        default: "auto",
        usedBy: ["kubernetes"],
        description:
            "kubernetes: the Service's type, ClusterIP, NodePort or LoadBalancer. auto: LoadBalancer in dev (open to the world unless loadBalancerSourceRanges), ClusterIP in prod.",
    },
    loadBalancerSourceRanges: {
        type: "array",
        default: [],
        usedBy: ["kubernetes"],
        description:
            "kubernetes: the blocks a LoadBalancer Service admits ([]: the whole internet). Required in prod with a LoadBalancer; the NetworkPolicy admits them too.",
    },
    nodePort: {
        type: "integer",
        default: 0,
        usedBy: ["kubernetes"],
        description: "kubernetes: a fixed node port for NodePort and LoadBalancer Services; 0: the API server picks one.",
    },
    nodeAddress: {
        type: "string",
        default: "",
        usedBy: ["kubernetes"],
        description:
            "kubernetes: where the nodes are reached from the machine running pulumi (the local cluster: 127.0.0.1); with a NodePort Service the URL is http://<nodeAddress>:<nodePort>.",
    },
    rolloutTimeoutSeconds: {
        type: "integer",
        default: 600,
        usedBy: ["kubernetes"],
        description: "kubernetes: seconds `up` waits for a release's pods to become Ready before it fails (the old pods keep serving).",
    },
    imageRepository: {
        type: "string",
        default: "",
        usedBy: ["kubernetes"],
        description:
            "kubernetes: where the image built here is pushed (REGISTRY/NAME, reachable by the nodes); needed when image is empty.",
    },
    dbHost: {
        type: "string",
        default: "",
        usedBy: ["all"],
        description: "DB_HOST: the PostgreSQL host. Empty: the service runs without a database (and no dbPassword is needed).",
    },
    dbPort: {
        type: "integer",
        default: 5432,
        usedBy: ["database"],
        description: "DB_PORT.",
    },
    dbName: {
        type: "string",
        default: "gin_app",
        usedBy: ["database"],
        description: "DB_NAME.",
    },
    dbUser: {
        type: "string",
        default: "gin_app",
        usedBy: ["database"],
        description: "DB_USER.",
    },
    dbPassword: {
        type: "string",
        secret: true,
        usedBy: ["database"],
        description:
            "DB_PASSWORD; required when dbHost is set, secret: pulumi config set --secret gin-deploy:dbPassword. On the host it lives only in a 0600 env file.",
    },
    dbSslMode: {
        type: "string",
        default: "auto",
        usedBy: ["database"],
        description: "DB_SSLMODE: disable, require or verify-full; prod refuses disable. auto: disable in dev, require in prod.",
    },
    dbPoolSize: {
        type: "string",
        default: "auto",
        usedBy: ["database"],
        description: "DB_POOL_SIZE: a whole number from 1 to 1000. auto: 5 in dev, 20 in prod. (A string so that auto can be the default.)",
    },
} as const satisfies Record<string, ConfigKeySpec>;

export type ConfigKey = keyof typeof CONFIG_KEYS;
/** Keys that have a schema default (every key but the secrets). */
export type PlainKey = { [K in ConfigKey]: (typeof CONFIG_KEYS)[K] extends { default: unknown } ? K : never }[ConfigKey];
export type SecretKey = Exclude<ConfigKey, PlainKey>;

export const SECRET_KEYS = (Object.keys(CONFIG_KEYS) as ConfigKey[]).filter((key) => "secret" in CONFIG_KEYS[key]) as SecretKey[];

/** The keys that hold one person's values (perUser): kept out of the committed stack files. */
export const PER_USER_KEYS = (Object.keys(CONFIG_KEYS) as ConfigKey[]).filter((key) => "perUser" in CONFIG_KEYS[key]);

/** The schema default of a plain key. */
export function defaultOf<K extends PlainKey>(key: K): (typeof CONFIG_KEYS)[K]["default"] {
    return CONFIG_KEYS[key].default;
}
