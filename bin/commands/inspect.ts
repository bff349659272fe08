import type { CommandModule } from 'yargs';
import { formatInspect, runInspect } from '../../lib/commands/inspect';

export const inspectCommand: CommandModule = {
  command: 'inspect [model]',
  describe: 'inputs, outputs, dropout nodes and the share of compute before the first dropout',
  builder: (y) => y.positional('model', { type: 'string', describe: 'ONNX model [default: the shipped model]' })
    .option('card', { type: 'string', describe: 'model card JSON' })
    .option('json', { type: 'boolean', default: false, describe: 'print JSON' }),
  handler: async (argv) => {
    const info = await runInspect({ model: argv.model as string | undefined, card: argv.card as string | undefined });
    process.stdout.write(argv.json ? JSON.stringify(info, null, 2) + '\n' : formatInspect(info));
  },
};
