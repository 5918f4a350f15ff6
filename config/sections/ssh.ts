// target: ssh — any Linux host reachable over SSH (the local stack's, or a server of yours).
import type { CpuArchitecture } from "../../components/aws/instanceArchitecture";
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
    return { kind: "ssh", ...access, host, arch, publicUrl, hostFirewall: read.bool("hostFirewall") };
}
