// The app's own folders in its unit: StateDirectory= and WorkingDirectory=. Pure.
//
// How systemd treats them (systemd.exec(5), "StateDirectory="; src/core/execute.c): each entry is
// created below /var/lib with its parents, and only the entry itself is owned by the unit's user;
// the parents it had to create are root's. With DynamicUser= (always, here) the entries live in
// /var/lib/private/<entry>, linked from /var/lib/<entry>, and the service sees only them. So:
//
//   StateDirectory=app/db      /var/lib/app is root's and read-only to the app: only db is its.
//   StateDirectory=app app/db  both are the app's. systemd sorts the entries, links only the
//                              outermost (app) and just creates and owns the nested one (db)
//                              (systemd 252 or newer: before, the second link failed with "File
//                              exists", systemd#24783).
//
// WorkingDirectory= must exist before the app starts: systemd does not create it (a missing one
// fails the start with status=200/CHDIR), and the app cannot create it first.
//
// Hence the rule here: every level of the state directory is an entry (a nested name makes its
// top folder the app's), and a working directory inside the state directory's top folder (given
// relative to the state directory, or absolute) adds an entry for each level down to it, so that
// systemd creates it, owned by the app, before the start.

import { STATE_ROOT, stateDirectoryPath, stateDirectoryRoot } from "../layout";

// A relative path under /var/lib: names of letters, digits and . _ -, no "..".
const STATE_DIRECTORY = /^(?!.*(^|\/)\.\.?(\/|$))[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;

/** Top folders under /var/lib that are not the app's to take: systemd's DynamicUser store, and ours. */
const TAKEN_TOP_FOLDERS: Record<string, string> = {
    private: "systemd's own store for DynamicUser= services",
    "gin-deploy": "gin-deploy's own folder (releases, staging, rollback)",
};

export function validateStateDirectory(name: string): string {
    if (typeof name !== "string" || !STATE_DIRECTORY.test(name) || name.length > 200) {
        throw new Error(
            `stateDirectory "${String(name)}" is not a folder name under /var/lib: use letters, digits and . _ - ` +
                `(subfolders with /, no leading / and no ..), e.g. "gin-app"`,
        );
    }
    const top = stateDirectoryRoot(name);
    if (TAKEN_TOP_FOLDERS[top] !== undefined) {
        throw new Error(
            `stateDirectory "${name}" would make /var/lib/${top}, ${TAKEN_TOP_FOLDERS[top]}, the app's: ` +
                `choose another name, e.g. "gin-app"`,
        );
    }
    return name;
}

export function validateWorkingDirectory(dir: string): string {
    if (typeof dir !== "string" || !dir.startsWith("/") || /[\0-\x1f\x7f\\]/.test(dir) || /(^|\/)\.\.(\/|$)/.test(dir)) {
        throw new Error(
            `workingDirectory "${String(dir)}" must be an absolute path on the host without control characters, \\ or "..", ` +
                `or a folder relative to the state directory (e.g. "db" for /var/lib/<stateDirectory>/db)`,
        );
    }
    return dir;
}

/** Every level of a relative folder path, parents first: "app/db" -> ["app", "app/db"]. */
function levels(relative: string): string[] {
    const parts = relative.split("/");
    return parts.map((_, i) => parts.slice(0, i + 1).join("/"));
}

export interface AppDirectories {
    /** StateDirectory= entries, parents first (empty: no line). */
    stateDirectories: string[];
    /** WorkingDirectory=, absolute; undefined: none. */
    workingDirectory?: string;
}

/**
 * The StateDirectory= entries and the WorkingDirectory= of an app with the given state directory
 * (a name under /var/lib, possibly nested) and working directory (absolute, or relative to the
 * state directory). Throws, naming the option and the fix, for a relative working directory with
 * no state directory and for a folder systemd cannot be asked to create.
 */
export function appDirectories(stateDirectory: string | undefined, workingDirectory: string | undefined): AppDirectories {
    const entries = stateDirectory !== undefined ? levels(validateStateDirectory(stateDirectory)) : [];
    if (workingDirectory === undefined) {
        return { stateDirectories: entries };
    }
    if (typeof workingDirectory !== "string" || workingDirectory === "") {
        throw new Error(`workingDirectory must be a folder, got ${JSON.stringify(workingDirectory)}`);
    }

    let absolute: string;
    if (workingDirectory.startsWith("/")) {
        absolute = validateWorkingDirectory(workingDirectory).replace(/\/+$/, "") || "/";
    } else {
        const relative = workingDirectory.replace(/^(\.\/)+/, "").replace(/\/+$/, "");
        if (stateDirectory === undefined) {
            throw new Error(
                `workingDirectory "${workingDirectory}" is relative, i.e. inside the state directory, and there is none: ` +
                    `set stateDirectory (e.g. stateDirectory: "app" for /var/lib/app/${relative || ""}), or give an absolute path that exists on the host`,
            );
        }
        if (relative !== "." && relative !== "" && !STATE_DIRECTORY.test(relative)) {
            throw new Error(
                `workingDirectory "${workingDirectory}" is not a folder inside the state directory: use letters, digits and . _ - ` +
                    `(subfolders with /, no ..), e.g. "db" for ${stateDirectoryPath(stateDirectory)}/db`,
            );
        }
        absolute =
            relative === "." || relative === "" ? stateDirectoryPath(stateDirectory) : `${stateDirectoryPath(stateDirectory)}/${relative}`;
    }

    // Inside the state directory's top folder (the app's own): systemd creates it, owned by the app.
    if (stateDirectory !== undefined) {
        const root = stateDirectoryPath(stateDirectoryRoot(stateDirectory));
        if (absolute === root || absolute.startsWith(`${root}/`)) {
            const underStateRoot = absolute.slice(STATE_ROOT.length + 1);
            if (!STATE_DIRECTORY.test(underStateRoot)) {
                throw new Error(
                    `workingDirectory "${workingDirectory}" is inside the state directory ${root}, so systemd must create it ` +
                        `(StateDirectory=), which takes only letters, digits and . _ - in folder names: rename it`,
                );
            }
            for (const level of levels(underStateRoot)) {
                if (!entries.includes(level)) entries.push(level);
            }
            entries.sort(); // a parent sorts before its subfolders
        }
    }
    return { stateDirectories: entries, workingDirectory: absolute };
}
