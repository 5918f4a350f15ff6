// The facts host-facts.sh prints, parsed into a typed object. Pure (text in, facts out), so the
// parsing is tested on recorded outputs.

export interface Listener {
    /** e.g. "127.0.0.1:8080", "0.0.0.0:8080", "[::]:8080", "*:8080" */
    local: string;
    pids: number[];
}

export interface ListenerProcess {
    pid: number;
    /** The process's systemd cgroup, e.g. /system.slice/gin-app.service */
    cgroup: string;
    cmdline: string;
}

export interface UnitState {
    id: string;
    loadState: string;
    activeState: string;
    subState: string;
    result: string;
    nRestarts: number;
    mainPid: number;
    execMainCode: number;
    execMainStatus: number;
}

export interface FileSystemUse {
    path: string;
    mount: string;
    sizeKiB: number;
    availKiB: number;
}

export interface HostFacts {
    machine: string;
    epochSeconds: number;
    listenRaw: string;
    listeners: Listener[];
    processes: ListenerProcess[];
    units: UnitState[];
    binaryPath: string;
    /** The binary's first bytes (base64 decoded), empty when there is none (container mode). */
    elf: Buffer;
    loaders: string[];
    journal: string[];
    disks: FileSystemUse[];
    nft: string;
    ufw: string;
    iptables: string;
}

export function splitSections(text: string): Map<string, string[]> {
    const sections = new Map<string, string[]>();
    let current: string[] | undefined;
    for (const line of text.split("\n")) {
        const m = /^=== (\S+)$/.exec(line);
        if (m) {
            current = [];
            sections.set(m[1], current);
        } else if (current) {
            current.push(line);
        }
    }
    if (!sections.has("end")) {
        throw new Error("the host's facts are incomplete (no end marker): the SSH command was cut short");
    }
    for (const lines of sections.values()) {
        while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
    }
    return sections;
}

/** `ss -ltnpH` lines: State Recv-Q Send-Q Local Peer [users:((..,pid=N,..),..)] */
export function parseListeners(lines: string[]): Listener[] {
    return lines
        .filter((l) => /^LISTEN\s/.test(l))
        .map((l) => {
            const cols = l.trim().split(/\s+/);
            const pids = [...l.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1]));
            return { local: cols[3], pids: [...new Set(pids)] };
        });
}

/** `systemctl show A B -p ...`: blocks of KEY=VALUE separated by blank lines. */
export function parseUnits(lines: string[]): UnitState[] {
    const units: UnitState[] = [];
    let cur: Record<string, string> = {};
    const flush = () => {
        if (cur.Id) {
            units.push({
                id: cur.Id,
                loadState: cur.LoadState ?? "",
                activeState: cur.ActiveState ?? "",
                subState: cur.SubState ?? "",
                result: cur.Result ?? "",
                nRestarts: Number(cur.NRestarts ?? 0) || 0,
                mainPid: Number(cur.MainPID ?? 0) || 0,
                execMainCode: Number(cur.ExecMainCode ?? 0) || 0,
                execMainStatus: Number(cur.ExecMainStatus ?? 0) || 0,
            });
        }
        cur = {};
    };
    for (const line of [...lines, ""]) {
        if (line.trim() === "") {
            flush();
            continue;
        }
        const eq = line.indexOf("=");
        if (eq > 0) cur[line.slice(0, eq)] = line.slice(eq + 1);
    }
    return units;
}

export function parseHostFacts(text: string): HostFacts {
    const s = splitSections(text);
    const get = (name: string) => s.get(name) ?? [];
    const processes = get("listeners")
        .filter((l) => l.trim() !== "")
        .map((l) => {
            const [pid, cgroup, ...rest] = l.split("\t");
            return { pid: Number(pid), cgroup: cgroup ?? "?", cmdline: rest.join("\t").trim() };
        });
    const disks = get("df")
        .filter((l) => l.trim() !== "")
        .map((l) => {
            const [path, mount, size, avail] = l.split("\t");
            return { path, mount, sizeKiB: Number(size), availKiB: Number(avail) };
        });
    const elfText = get("elf").join("").trim();
    return {
        machine: get("uname").join("").trim(),
        epochSeconds: Number(get("date").join("").trim()),
        listenRaw: get("listen").join("\n"),
        listeners: parseListeners(get("listen")),
        processes,
        units: parseUnits(get("units")),
        binaryPath: get("binary").join("").trim(),
        elf: elfText ? Buffer.from(elfText, "base64") : Buffer.alloc(0),
        loaders: get("loaders").filter((l) => l.trim() !== ""),
        journal: get("journal"),
        disks,
        nft: get("nft").join("\n"),
        ufw: get("ufw").join("\n"),
        iptables: get("iptables").join("\n"),
    };
}
