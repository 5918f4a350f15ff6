// The container mode's host contract (contract.sh): the container layout as the host scripts read it.
import { containerLayout } from "../layout";
import { renderHostContract } from "../../shared/renderers/hostContract";

export function renderContainerContract(serviceName: string): string {
    return renderHostContract("container", { ...containerLayout(serviceName) });
}
