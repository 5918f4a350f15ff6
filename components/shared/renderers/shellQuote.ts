// One way to quote words for the POSIX shell lines the components run on a host.
import { quote } from "shell-quote";

/** Quotes one word for a POSIX shell. */
export function shellQuote(word: string): string {
    return quote([word]);
}

/** Quotes each word and joins them into one command line. */
export function shellCommand(words: readonly string[]): string {
    return quote([...words]);
}
