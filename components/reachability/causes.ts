// The article's troubleshooting table (S2-S4, S6, S8) as data: every cause the reachability check
// and `npm run doctor` can name, with what it means and the one-line fix. Pure: no Pulumi import.
// The release check and doctor both print these texts, so a user sees one wording for one cause.

export type CauseId =
    // seen from the deploying machine
    | "nothing-listens"
    | "connection-dropped"
    | "blocked"
    | "dns"
    | "tls"
    | "unhealthy"
    | "wrong-service"
    | "old-release"
    | "bad-url"
    // seen on the host (doctor) or in the cloud's settings
    | "loopback-only"
    | "security-group-closed"
    | "host-firewall"
    | "wrong-architecture"
    | "missing-interpreter"
    | "crash-loop"
    | "service-stopped"
    | "port-taken"
    | "disk-full"
    | "clock-skew"
    | "unreachable-host";

export interface Cause {
    id: CauseId;
    /** The row of the troubleshooting table, as a user would describe the symptom. */
    title: string;
    /** The one-line fix (placeholders already filled in by the caller where it knows them). */
    fix: string;
}

export interface CauseContext {
    /** The port the service listens on at the host (not the URL's port, which may be forwarded). */
    appPort?: number;
    serviceName?: string;
    url?: string;
    expectedVersion?: string;
}

/** The cause's title and fix, with the service name and port filled in where known. */
export function describeCause(id: CauseId, ctx: CauseContext = {}): Cause {
    const port = ctx.appPort !== undefined ? String(ctx.appPort) : "<appPort>";
    const svc = ctx.serviceName ?? "gin-app";
    const url = ctx.url ?? "<url>";
    const table: Record<CauseId, [string, string]> = {
        "nothing-listens": [
            "connection refused: nothing listens on that address and port",
            `start the service (systemctl status ${svc}; journalctl -u ${svc} -n 50) and check that the URL's port is the app's port`,
        ],
        "connection-dropped": [
            "the connection is accepted and closed without an answer: a port forward or proxy reaches an address where nothing listens",
            `check what listens on the host (ss -ltnp 'sport = :${port}'): the app must listen on 0.0.0.0, not 127.0.0.1`,
        ],
        blocked: [
            "no answer before the timeout: a security group, the host firewall or routing drops the packets",
            `open port ${port}/tcp in the security group (gin-deploy:appCidrs) and the host firewall (ufw allow ${port}/tcp; gin-deploy:hostFirewall true)`,
        ],
        dns: ["the URL's host name does not resolve", `fix the URL (gin-deploy:publicUrl) or the DNS record it names: ${url}`],
        tls: [
            "TLS fails: wrong scheme for the port, or a certificate the client does not trust",
            "use http:// for the app's own port (it serves plain HTTP), or fix the certificate of the proxy in front of it",
        ],
        unhealthy: [
            "something answers, but not with a healthy 2xx",
            `read the service's log (journalctl -u ${svc} -n 50) and what answers at ${url}/healthz`,
        ],
        "wrong-service": [
            "another program answers on that address (not the Gin service's /version)",
            `find and stop it (ss -ltnp 'sport = :${port}'), or point the URL at the service`,
        ],
        "old-release": [
            `an older release answers (expected version ${ctx.expectedVersion ?? "<version>"})`,
            `the new release did not take over: check ${svc}'s state and log, and that the URL names this stack's host`,
        ],
        "bad-url": ["the URL is not an http(s) URL", "set gin-deploy:publicUrl to http://<host>:<port>"],
        "loopback-only": [
            "the service listens on 127.0.0.1/::1 only, so nothing outside the host reaches it (S2)",
            `listen on all addresses: HOST=0.0.0.0 for the app, or ListenStream=${port} (no address) in ${svc}.socket`,
        ],
        "security-group-closed": [
            `the security group does not open port ${port}/tcp to the deploying machine (S3)`,
            `add the deploying machine's address to gin-deploy:appCidrs (pulumi config set --path 'gin-deploy:appCidrs[0]' <your IP>/32) and run pulumi up`,
        ],
        "host-firewall": [
            `the host firewall (nftables/ufw) drops or rejects port ${port}/tcp (S3)`,
            `allow it on the host (ufw allow ${port}/tcp, or an nftables accept rule), or set gin-deploy:hostFirewall true on ssh targets`,
        ],
        "wrong-architecture": [
            "the binary is for another CPU than the host's: exec format error (S5)",
            "build for the host's architecture: GOARCH=amd64|arm64 to match `uname -m` (gin-deploy:hostArch / the instance type)",
        ],
        "missing-interpreter": [
            "the binary is dynamically linked and its loader is not on the host: `not found` / no such file (S6)",
            "build a static binary: CGO_ENABLED=0 (what GoBinary does), or install the libc it was built against",
        ],
        "crash-loop": [
            "the service starts and exits again and again (a runtime error: read the log lines) (S4)",
            `fix what the last log lines say (journalctl -u ${svc} -n 50), then systemctl reset-failed ${svc} and deploy again`,
        ],
        "service-stopped": ["the service is not running", `start it: systemctl start ${svc}.socket ${svc}.service (or run pulumi up)`],
        "port-taken": [
            `another process holds port ${port}, so the service cannot bind it`,
            `stop that process (its pid and command line are above) or give the service another port (gin-deploy:appPort)`,
        ],
        "disk-full": [
            "a file system the release needs is (almost) full: installs and logs fail",
            "free space on that file system (old releases, journalctl --vacuum-size=100M, docker image prune) or grow the disk",
        ],
        "clock-skew": [
            "the host's clock is off: TLS, tokens and logs go wrong",
            "enable time sync on the host: timedatectl set-ntp true (systemd-timesyncd or chrony)",
        ],
        "unreachable-host": [
            "the host cannot be reached over SSH",
            "check gin-deploy:sshHost/sshPort, the SSH CIDRs of the security group and the key (doctor --ssh/--key)",
        ],
    };
    const [title, fix] = table[id];
    return { id, title, fix };
}
