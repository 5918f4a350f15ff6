// Reading the commands the components run as root (shared/renderers/asRoot.ts): the words of the
// command behind the `$as_root` prefix, as a POSIX shell would pass them to the program.
import * as assert from "assert";
import { spawnSync } from "child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import * as os from "os";
import { parse } from "shell-quote";

import { AS_ROOT } from "../../components/shared/renderers/asRoot";

/** The words of `line` after its `as_root=...; $as_root` prefix; fails when the prefix is missing. */
export function rootArgv(line: string): ReturnType<typeof parse> {
    const prefix = `${AS_ROOT} $as_root `;
    assert.ok(line.startsWith(prefix), `not run as root through $as_root: ${line}`);
    return parse(line.slice(prefix.length));
}

export interface FakeLogin {
    /** The login user's uid (0: root) and name. */
    uid: number;
    user: string;
    /** Whether `sudo -n` works for this user (passwordless sudo). */
    sudo: boolean;
}

export interface FakeRun {
    status: number;
    stderr: string;
    /** The programs the line ran, in order, each as "program arg...", with "sudo -n " before what ran through sudo. */
    calls: string[];
}

const RECORDED = ["install", "chown", "bash", "test", "hostname"];

/**
 * Runs a rendered command line in /bin/sh with `id`, `sudo` and the programs it calls replaced by
 * recorders: what a host would run for this login user, without touching this machine. Through
 * sudo, `test -f` answers yes for the paths in `existing` (as root, sh's builtin `test` looks at
 * this machine: give paths that do not exist here).
 */
export function runAsLogin(line: string, login: FakeLogin, existing: readonly string[] = []): FakeRun {
    const dir = mkdtempSync(`${os.tmpdir()}/gd-as-root-`);
    try {
        const log = `${dir}/calls`;
        const fakeProgram = (name: string, body: string) => writeFileSync(`${dir}/${name}`, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
        fakeProgram(
            "id",
            `case "$1" in -u) echo ${login.uid} ;; -g) echo ${login.uid} ;; -un) echo ${login.user} ;; *) echo "uid=${login.uid}(${login.user})" ;; esac`,
        );
        fakeProgram(
            "sudo",
            login.sudo
                ? `[ "$1" = -n ] || { echo "fake sudo: called without -n" >&2; exit 9; }; shift; [ "$1" = true ] && exit 0; printf 'sudo -n ' >>${log}; exec "$@"`
                : `echo "sudo: a password is required" >&2; exit 1`,
        );
        for (const name of RECORDED) {
            fakeProgram(
                name,
                `echo "${name} $*" >>${log}; ` +
                    (name === "test"
                        ? `case " ${existing.join(" ")} " in *" $2 "*) exit 0 ;; *) exit 1 ;; esac`
                        : name === "hostname"
                          ? "echo host1"
                          : "exit 0"),
            );
        }
        const res = spawnSync("/bin/sh", ["-c", line], { env: { PATH: `${dir}:/usr/bin:/bin` }, encoding: "utf8" });
        const calls = existsSync(log)
            ? readFileSync(log, "utf8")
                  .split("\n")
                  .filter((l) => l.length > 0)
            : [];
        return { status: res.status ?? -1, stderr: res.stderr, calls: calls.filter((c) => !c.startsWith("hostname")) };
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}
