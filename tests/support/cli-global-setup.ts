// Global setup of the unit project: builds the CLI once, before any test file runs, if a source changed since the last build. Files that each built it raced: one emptied cli/dist while another ran it.
import { buildCli } from './cli-process';

export default function setup(): void {
  buildCli();
}
