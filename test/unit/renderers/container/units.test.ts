import * as assert from "assert";

import { containerLayout } from "../../../../components/container/layout";
import { renderContainerUnits } from "../../../../components/container/renderers/units";

const settings = { serviceName: "gin-app", port: 8080, slotPorts: { blue: 8081, green: 8082 }, stopTimeoutSeconds: 30 };
const byName = (files: { path: string; content: string }[]) =>
    Object.fromEntries(files.map((f) => [f.path.split("/").pop() as string, f.content]));

describe("container units", () => {
    const units = byName(renderContainerUnits(settings));

    it("renders the public socket, its proxy, the slot socket and bridge, and the container template", () => {
        assert.deepStrictEqual(Object.keys(units).sort(), [
            "gin-app-container@.service",
            "gin-app-slot@.service",
            "gin-app-slot@.socket",
            "gin-app.service",
            "gin-app.socket",
        ]);
    });

    it("keeps the public port in a socket unit that hands it to the front proxy", () => {
        assert.match(units["gin-app.socket"], /^ListenStream=8080$/m);
        assert.match(units["gin-app.socket"], /^Accept=no$/m);
        assert.match(
            units["gin-app.service"],
            new RegExp(`^ExecStart=/lib/systemd/systemd-socket-proxyd ${containerLayout("gin-app").slotLink}$`, "m"),
        );
    });

    it("bridges each slot's unix socket to its container's loopback port", () => {
        assert.match(units["gin-app-slot@.socket"], /^ListenStream=\/run\/gin-deploy\/gin-app\/%i\.sock$/m);
        assert.match(units["gin-app-slot@.service"], /^ExecStart=\/lib\/systemd\/systemd-socket-proxyd 127\.0\.0\.1:\$\{SLOT_PORT\}$/m);
    });

    it("runs the container by the slot's image, env file only, removing a leftover first, restarting on failure", () => {
        const c = units["gin-app-container@.service"];
        assert.match(c, /^ExecStartPre=-docker rm --force gin-app-%i$/m);
        assert.match(c, /--env-file \/etc\/gin-deploy\/gin-app\/slot-%i\.env/);
        assert.match(c, /--env HOST=\$\{APP_HOST\} --env PORT=\$\{SLOT_PORT\}/);
        assert.match(c, /--user \$\{APP_USER\} --cap-drop ALL --security-opt no-new-privileges/);
        assert.match(c, /^ {2}\$\{IMAGE\}$/m);
        assert.match(c, /^ExecStop=docker stop -t 30 gin-app-%i$/m);
        assert.match(c, /^Restart=always$/m);
        assert.match(c, /^WantedBy=multi-user\.target$/m);
        assert.doesNotMatch(c, /^Environment=/m, "no setting may sit in the unit itself");
    });

    it("gives the container the network and published port of its slot file, never the host's network", () => {
        const c = units["gin-app-container@.service"];
        // An unbraced $PUBLISH is split by systemd into zero or more arguments: none when the slot shares a namespace.
        assert.match(c, /^ {2}--network \$\{NETWORK\} \\\n {2}\$PUBLISH \\$/m);
        assert.doesNotMatch(c, /--net(work)?[= ]host/);
    });

    it("gives the reference app's container no volume, working directory or arguments", () => {
        const c = units["gin-app-container@.service"];
        assert.doesNotMatch(c, /--mount|--workdir/);
        assert.match(c, /^ {2}\$\{IMAGE\}$/m);
    });

    it("mounts the state volume read-write on the read-only root, sets the working directory and passes the app's arguments literally", () => {
        const c = byName(
            renderContainerUnits({
                ...settings,
                stateVolume: { name: "gin-app-state", mountPath: "/data" },
                workingDirectory: "/srv",
                args: ["--listen", "a b", '"q"', "50%", "$HOME", "back\\slash"],
            }),
        )["gin-app-container@.service"];
        assert.match(
            c,
            /--read-only --tmpfs \/tmp:rw,noexec,nosuid,size=16m \\\n {2}--mount type=volume,source=gin-app-state,target=\/data,volume-nocopy \\\n {2}--workdir \/srv \\\n/,
        );
        assert.match(c, /^ {2}\$\{IMAGE\} "--listen" "a b" "\\"q\\"" "50%%" "\$\$HOME" "back\\\\slash"$/m);
        assert.throws(() => renderContainerUnits({ ...settings, args: ["x\ny"] }), /args\[0\]/);
        assert.throws(
            () => renderContainerUnits({ ...settings, stateVolume: { name: "v", mountPath: "/proc" } }),
            /stateVolume\.mountPath "\/proc"/,
        );
    });

    it("refuses ports that collide and names that cannot be units", () => {
        assert.throws(() => renderContainerUnits({ ...settings, slotPorts: { blue: 8080, green: 8082 } }), /must all differ/);
        assert.throws(() => renderContainerUnits({ ...settings, port: 70000 }), /port=70000 is not a TCP port/);
        assert.throws(() => renderContainerUnits({ ...settings, serviceName: "Gin App" }), /serviceName "Gin App"/);
    });
});
