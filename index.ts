// The Pulumi program the CLI runs (`pulumi up`, `pulumi preview`): the validated config in, the
// composed stack's outputs out. The same stackProgram() runs under deploy:local and the suites
// that drive the real engine (stack/program.ts).
import { stackProgram } from "./stack/program";

export = stackProgram();
