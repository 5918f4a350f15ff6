// The systemd mode's host contract (contract.sh): the release layout as the host scripts read it.
import { releaseLayout } from "../../layout/systemdLayout";
import { renderHostContract } from "../shared/hostContract";

export function renderSystemdContract(serviceName: string): string {
    return renderHostContract("systemd", { ...releaseLayout(serviceName) });
}
