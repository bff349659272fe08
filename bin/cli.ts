/**
 * segnet-uq command line: one file per command under bin/commands, each parsing its flags and
 * calling one library function. Exit codes: 0 success; 1 some image failed or an audit
 * threshold failed; 2 usage or input error.
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { anomalyCommand } from './commands/anomaly';
import { auditCommand } from './commands/audit';
import { calibrateCommand } from './commands/calibrate';
import { conformalCommand } from './commands/conformal';
import { cardCommand } from './commands/card';
import { inspectCommand } from './commands/inspect';
import { mergeCommand } from './commands/merge';
import { reportCommand } from './commands/report';
import { samplesCommand } from './commands/samples';
import { serveCommand } from './commands/serve';
import { shiftCommand } from './commands/shift';

const COMMANDS = [reportCommand, calibrateCommand, conformalCommand, samplesCommand, shiftCommand, anomalyCommand, auditCommand, mergeCommand, inspectCommand, cardCommand, serveCommand];

const COMMAND_NAMES = COMMANDS.map((c) => String(c.command).split(' ')[0]);

/**
 * yargs' "Unknown arguments: seed, samples-limit, samplesLimit" as they were typed ("serve does
 * not take --seed, --samples-limit"), naming the command; null for other messages.
 */
function unknownFlags(msg: string, args: readonly string[], command: string | undefined): string | null {
  const m = /^Unknown arguments?: (.+)$/.exec(msg);
  if (!m) return null;
  if (!command) return `unknown command '${args[0]}' (the commands: ${COMMAND_NAMES.join(', ')})`;
  const names = m[1].split(', ');
  const kebab = (n: string): string => n.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  const typed = names.filter((n) => !(n !== kebab(n) && names.includes(kebab(n)))).map((n) => {
    const flag = n.length === 1 ? `-${n}` : `--${n}`;
    const given = args.map((a) => a.split('=')[0]).find((a) => a === flag || a === `--no-${n}` || (n.length === 1 && /^-[a-zA-Z]+$/.test(a) && a.includes(n)));
    if (given && n.length === 1) return flag; // -r of -rq
    return given ?? (args.includes(n) ? `'${n}' (an argument)` : flag);
  });
  return `${command} does not take ${typed.join(', ')}`;
}

async function main(): Promise<void> {
  const args = hideBin(process.argv);
  let cli = yargs(args).scriptName('segnet-uq').usage('$0 <command> [options]');
  for (const command of COMMANDS) cli = cli.command(command);
  await cli
    .demandCommand(1, `name a command: ${COMMAND_NAMES.join(', ')}`)
    .strict()
    .help()
    .fail((msg, err) => {
      if (err) throw err;
      const command = COMMAND_NAMES.find((c) => c === args[0]);
      process.stderr.write(`segnet-uq: ${unknownFlags(msg, args, command) ?? msg}\nRun 'segnet-uq ${command ? `${command} ` : ''}--help' for usage.\n`);
      process.exit(2);
    })
    .parseAsync();
}

main().catch((err: Error) => {
  process.stderr.write(`segnet-uq: ${err.message}\n`);
  process.exitCode = 2;
});
