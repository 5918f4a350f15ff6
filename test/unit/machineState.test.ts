// scripts/machine-state.sh's save and restore of what npm test starts (local registries, local host
// containers), run in a scratch copy of the repository with fakes on PATH for every command that
// would look at or change this machine (docker, iptables, ip6tables, sysctl, ip) and a fake
// local/registry.sh: nothing is started, stopped or changed for real.
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.join(__dirname, "..", "..");

interface World {
    /** "PORT PID" lines local/registry.sh list prints. */
    registries: string[];
    /** Whether the Docker engine answers, and the local host containers it has. */
    docker: boolean;
    containers: string[];
}

function scratch() {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "gd-unit-machine-state-"));
    const world = path.join(root, "world");
    const calls = path.join(root, "calls.log");
    fs.mkdirSync(path.join(root, "scripts"));
    fs.mkdirSync(path.join(root, "local"));
    fs.mkdirSync(world);
    fs.copyFileSync(path.join(ROOT, "scripts", "machine-state.sh"), path.join(root, "scripts", "machine-state.sh"));
    fs.writeFileSync(
        path.join(root, "local", "registry.sh"),
        [
            "#!/usr/bin/env bash",
            `case "$1" in`,
            `  list) cat "${world}/registries" ;;`,
            `  stop) echo "registry stop $GIN_DEPLOY_REGISTRY_PORT" >>"${calls}"; grep -v "^$GIN_DEPLOY_REGISTRY_PORT " "${world}/registries" >"${world}/r" || true; mv "${world}/r" "${world}/registries" ;;`,
            "  *) exit 2 ;;",
            "esac",
        ].join("\n"),
    );
    const bin = path.join(root, "fake-bin");
    fs.mkdirSync(bin);
    const fake = (name: string, body: string) => fs.writeFileSync(path.join(bin, name), `#!/usr/bin/env bash\n${body}\n`, { mode: 0o755 });
    fake(
        "docker",
        [
            `echo "docker $*" >>"${calls}"`,
            `[ -e "${world}/docker" ] || exit 1`,
            `case "$1" in`,
            "  info) exit 0 ;;",
            `  ps) cat "${world}/containers" ;;`,
            `  rm) grep -vx "$3" "${world}/containers" >"${world}/c" || true; mv "${world}/c" "${world}/containers" ;;`,
            "esac",
        ].join("\n"),
    );
    for (const tool of ["iptables", "ip6tables"]) fake(tool, "exit 0");
    fake("sysctl", `[ "$1" = -n ] && { echo 0; exit 0; }\necho "sysctl $*" >>"${calls}"`);
    fake("ip", `[ "$2" = show ] && exit 1\necho "ip $*" >>"${calls}"`);

    const set = (w: World) => {
        fs.writeFileSync(path.join(world, "registries"), w.registries.map((l) => `${l}\n`).join(""));
        fs.writeFileSync(path.join(world, "containers"), w.containers.map((l) => `${l}\n`).join(""));
        if (w.docker) fs.writeFileSync(path.join(world, "docker"), "");
        else fs.rmSync(path.join(world, "docker"), { force: true });
    };
    const run = (action: "save" | "restore") => {
        const res = spawnSync("bash", [path.join(root, "scripts", "machine-state.sh"), action, path.join(root, "saved")], {
            encoding: "utf8",
            env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
        });
        return { status: res.status, stderr: res.stderr };
    };
    const callsMade = () => (fs.existsSync(calls) ? fs.readFileSync(calls, "utf8").split("\n").filter(Boolean) : []);
    const now = () => ({
        registries: fs.readFileSync(path.join(world, "registries"), "utf8").split("\n").filter(Boolean),
        containers: fs.readFileSync(path.join(world, "containers"), "utf8").split("\n").filter(Boolean),
    });
    return { root, set, run, callsMade, now };
}

describe("scripts/machine-state.sh: what npm test started", () => {
    const roots: string[] = [];
    const make = () => {
        const s = scratch();
        roots.push(s.root);
        return s;
    };
    after(() => {
        for (const r of roots) fs.rmSync(r, { recursive: true, force: true });
    });

    it("stops a registry a suite left running, names it, and exits 3", () => {
        const s = make();
        s.set({ registries: [], docker: false, containers: [] });
        assert.strictEqual(s.run("save").status, 0);
        s.set({ registries: ["5000 4242"], docker: false, containers: [] });
        const restore = s.run("restore");
        assert.strictEqual(restore.status, 3, restore.stderr);
        assert.match(restore.stderr, /the local registry on 127\.0\.0\.1:5000 \(pid 4242\) was left running by a suite: stopping it/);
        assert.deepStrictEqual(
            s.callsMade().filter((c) => c.startsWith("registry")),
            ["registry stop 5000"],
        );
        assert.deepStrictEqual(s.now().registries, []);
    });

    it("keeps a registry that ran before npm test", () => {
        const s = make();
        s.set({ registries: ["5000 4242"], docker: false, containers: [] });
        assert.strictEqual(s.run("save").status, 0);
        const restore = s.run("restore");
        assert.strictEqual(restore.status, 0, restore.stderr);
        assert.deepStrictEqual(
            s.callsMade().filter((c) => c.startsWith("registry")),
            [],
        );
        assert.deepStrictEqual(s.now().registries, ["5000 4242"]);
    });

    it("removes the host containers a suite left and keeps those that were there before", () => {
        const s = make();
        s.set({ registries: [], docker: true, containers: ["gin-deploy-host"] });
        assert.strictEqual(s.run("save").status, 0);
        s.set({ registries: [], docker: true, containers: ["gin-deploy-host", "gd-container", "gd-ec2-twin"] });
        const restore = s.run("restore");
        assert.strictEqual(restore.status, 3, restore.stderr);
        assert.match(restore.stderr, /the local host container gd-container was left by a suite: removing it/);
        assert.match(restore.stderr, /the local host container gd-ec2-twin was left by a suite: removing it/);
        assert.deepStrictEqual(s.now().containers, ["gin-deploy-host"]);
        const removals = s.callsMade().filter((c) => c.startsWith("docker rm"));
        assert.deepStrictEqual(removals, ["docker rm -f gd-container", "docker rm -f gd-ec2-twin"]);
    });

    it("lists only the local host's containers (its label) when it saves", () => {
        const s = make();
        s.set({ registries: [], docker: true, containers: [] });
        s.run("save");
        assert.ok(
            s.callsMade().includes("docker ps -a --filter label=io.gin-deploy.local-host --format {{.Names}}"),
            s.callsMade().join("\n"),
        );
    });

    it("exits 0 and changes nothing when the suites left nothing", () => {
        const s = make();
        s.set({ registries: [], docker: false, containers: [] });
        assert.strictEqual(s.run("save").status, 0);
        const restore = s.run("restore");
        assert.strictEqual(restore.status, 0, restore.stderr);
        assert.strictEqual(restore.stderr, "");
        assert.deepStrictEqual(
            s.callsMade().filter((c) => !c.startsWith("docker info")),
            [],
        );
    });
});
