// Where the host scripts are in the sources: each mode's own in components/<mode>/host/, the shared
// helpers (lib.sh) in components/shared/host/, for the tests that read, run or upload them.
import * as fs from "fs";
import * as path from "path";

const COMPONENTS = path.join(__dirname, "..", "..", "components");

/** Every host script by file name, with its absolute path. */
export function hostScripts(): Map<string, string> {
    const out = new Map<string, string>();
    for (const folder of fs.readdirSync(COMPONENTS).sort()) {
        const dir = path.join(COMPONENTS, folder, "host");
        if (!fs.existsSync(dir)) continue;
        for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".sh"))) out.set(file, path.join(dir, file));
    }
    return out;
}

/** The absolute path of one host script, e.g. hostScript("lib.sh"). */
export function hostScript(name: string): string {
    const found = hostScripts().get(name);
    if (!found) throw new Error(`no host script ${name} in components/*/host/`);
    return found;
}
