// target: ssh — any Linux host reachable over SSH (the local stack's, or a server of yours).
import type { CpuArchitecture } from "../../components/build/cpuArchitecture";
import { parseHostKey } from "../../components/rules/sshHostKey";
import type { ConfigReader } from "../reader";
import { setCommand, shown } from "../reader";
import type { SshTargetConfig } from "../types";
import { parseSshAccess } from "./sshAccess";

const ARCHITECTURES: readonly CpuArchitecture[] = ["amd64", "arm64"];

export function parseSshTarget(read: ConfigReader, appPort: number): SshTargetConfig {
    const access = parseSshAccess(read, "root");
    const host = read.text("sshHost");
    if (!/^[A-Za-z0-9][A-Za-z0-9.:-]*$/.test(host)) {
        read.refuse(
            "sshHost",
            `${shown(host)} is not a host name or address; the ssh target needs one. ` + `Fix: ${setCommand("sshHost", "127.0.0.1")}`,
        );
    }
    const hostKey = parseSshHostKey(read, host, access.port);
    const arch = read.oneOf("hostArch", ARCHITECTURES, "amd64");
    const publicUrlValue = read.text("publicUrl");
    if (publicUrlValue !== "auto" && !/^https?:\/\/[^\s/]+(\/\S*)?$/.test(publicUrlValue)) {
        read.refuse(
            "publicUrl",
            `${shown(publicUrlValue)} is not an http(s) URL. ` + `Fix: ${setCommand("publicUrl", "http://127.0.0.1:18080")}`,
        );
    }
    const publicUrl =
        publicUrlValue === "auto" ? `http://${host.includes(":") ? `[${host}]` : host}:${appPort}` : publicUrlValue.replace(/\/+$/, "");
    return { kind: "ssh", ...access, host, hostKey, arch, publicUrl, hostFirewall: read.bool("hostFirewall") };
}

/**
 * The host key every connection pins. No trust on first use: a stack without it is refused with
 * the way to get it and to check it, on any environment.
 */
function parseSshHostKey(read: ConfigReader, host: string, port: number): string {
    const value = read.text("sshHostKey");
    const scan = `ssh-keyscan -t ed25519 ${port === 22 ? "" : `-p ${port} `}${/^[A-Za-z0-9][A-Za-z0-9.:-]*$/.test(host) ? host : "<host>"}`;
    const howTo =
        `Get it with ${scan}, check that its fingerprint (pipe it into ssh-keygen -lf -) ` +
        `is the one the host itself shows (on its console: ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub), then: ` +
        `${setCommand("sshHostKey", '"ssh-ed25519 AAAA..."')}`;
    if (value.trim() === "") {
        read.refuse("sshHostKey", `is not set: every deploy verifies the host's SSH key, and this stack names none. ${howTo}`);
        return "";
    }
    try {
        return parseHostKey(value).line;
    } catch (err) {
        read.refuse("sshHostKey", `${shown(value.slice(0, 80))}: ${(err as Error).message}. ${howTo}`);
        return "";
    }
}
