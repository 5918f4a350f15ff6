// The container mode's host contract (contract.sh): the container layout as the host scripts read it.
import { containerLayout } from "../../layout/containerLayout";
import { renderHostContract } from "../shared/hostContract";

export function renderContainerContract(serviceName: string): string {
    return renderHostContract("container", { ...containerLayout(serviceName) });
}
