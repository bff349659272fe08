/**
 * segnet-uq command line: one file per command under bin/commands, each parsing its flags and
 * calling one library function. Exit codes: 0 success; 1 some image failed or an audit
 * threshold failed; 2 usage or input error.
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { auditCommand } from './commands/audit';
import { calibrateCommand } from './commands/calibrate';
import { cardCommand } from './commands/card';
import { inspectCommand } from './commands/inspect';
import { mergeCommand } from './commands/merge';
import { reportCommand } from './commands/report';
import { samplesCommand } from './commands/samples';
import { serveCommand } from './commands/serve';

const COMMANDS = [reportCommand, calibrateCommand, samplesCommand, auditCommand, mergeCommand, inspectCommand, cardCommand, serveCommand];

async function main(): Promise<void> {
  let cli = yargs(hideBin(process.argv)).scriptName('segnet-uq').usage('$0 <command> [options]');
  for (const command of COMMANDS) cli = cli.command(command);
  await cli
    .demandCommand(1, `name a command: ${COMMANDS.map((c) => String(c.command).split(' ')[0]).join(', ')}`)
    .strict()
    .help()
    .fail((msg, err) => {
      if (err) throw err;
      process.stderr.write(`segnet-uq: ${msg}\nRun 'segnet-uq --help' for usage.\n`);
      process.exit(2);
    })
    .parseAsync();
}

main().catch((err: Error) => {
  process.stderr.write(`segnet-uq: ${err.message}\n`);
  process.exitCode = 2;
});
