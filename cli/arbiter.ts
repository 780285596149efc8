// Entry of the `arbiter` command (Node only): parses arguments, runs the command, sets the exit code.
import { HELP, parseCli, UsageError } from './args';
import { escapeControl } from './escape';
import { panelCommand } from './panel';
import { ConfigError, judgeCommand, type Io } from './run';
import { batchCommand } from './batch';

export async function main(argv: string[], raw: Io, env = process.env): Promise<number> {
  // Everything printed may quote the input file or a server: only the progress bar's own
  // sequences reach the terminal as they are.
  const io: Io = {
    ...raw,
    out: (s) => raw.out(escapeControl(s)),
    err: (s) => raw.err(escapeControl(s)),
  };
  try {
    if (argv[0] === 'batch') return await batchCommand(argv.slice(1), io);
    const cfg = parseCli(argv, env);
    if (cfg === 'help') {
      io.out(HELP);
      return 0;
    }
    return await (cfg.models.length > 1 ? panelCommand : judgeCommand)(cfg, io, env);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`arbiter: ${e.message}\nRun arbiter --help for the options.\n`);
      return 2;
    }
    if (e instanceof ConfigError) {
      io.err(`arbiter: ${e.message}\n`);
      return 2;
    }
    io.err(`arbiter: unexpected error: ${(e as Error).stack ?? String(e)}\n`);
    return 2;
  }
}

const io: Io = {
  out: (s) => void process.stdout.write(s),
  err: (s) => void process.stderr.write(s),
  control: (s) => void process.stderr.write(s),
  isTTY: process.stderr.isTTY === true,
};

process.exitCode = await main(process.argv.slice(2), io);
