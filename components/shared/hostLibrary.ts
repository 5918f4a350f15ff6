// Where the host scripts' shared helpers (host/lib.sh beside this file) are, for the components
// that upload them with their own mode's scripts; the package's dist/shared/host mirrors it.
import * as path from "path";

export const hostLibraryPath = path.join(__dirname, "host", "lib.sh");
