// Entry of the `arbiter` command (Node only): parses arguments, runs the command, sets the exit code.
import { HELP, parseCli, UsageError } from './args';
import { ConfigError, judgeCommand, type Io } from './run';

export async function main(argv: string[], io: Io, env = process.env): Promise<number> {
  try {
    const cfg = parseCli(argv, env);
    if (cfg === 'help') {
      io.out(HELP);
      return 0;
    }
    return await judgeCommand(cfg, io);
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
  isTTY: process.stderr.isTTY === true,
};

process.exitCode = await main(process.argv.slice(2), io);
