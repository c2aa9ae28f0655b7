// The shape of a CLI command: its name as typed (`audit verify`), a one-line summary for the
// overview, its help text, and what it does with the rest of the arguments (an exit status).
export interface Command {
  readonly name: string;
  readonly summary: string;
  /** Usage and the command's own options; the common options are appended. */
  readonly help: string;
  /** Whether --store/--views/--format apply (the help says so). */
  readonly common?: boolean;
  run(argv: readonly string[]): Promise<number>;
}
