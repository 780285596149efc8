// Where the CLI writes: its own module so the runner and the progress bar both use it without a cycle.
export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  /** Terminal control sequences of the progress bar, written as they are (stderr). */
  control: (s: string) => void;
  isTTY: boolean;
}
