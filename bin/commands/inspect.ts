import type { CommandModule } from 'yargs';
import { formatInspect, formatTensors, runInspect } from '../../lib/commands/inspect';

export const inspectCommand: CommandModule = {
  command: 'inspect [model]',
  describe: 'inputs, outputs, dropout nodes and the share of compute before the first dropout',
  builder: (y) => y.positional('model', { type: 'string', describe: 'ONNX model [default: the shipped model]' })
    .option('card', { type: 'string', describe: 'model card JSON' })
    .option('tensors', { type: 'boolean', default: false, describe: 'list the tensors --dropout-at can take: name, shape, share of compute after it' })
    .option('dropout-at', { type: 'string', array: true, describe: 'inject MC dropout after TENSOR[:p] as a run would, to see its cost' })
    .option('dropout-rate', { type: 'number', describe: 'override every dropout rate, in (0, 1)' })
    .option('json', { type: 'boolean', default: false, describe: 'print JSON' }),
  handler: async (argv) => {
    const info = await runInspect({
      model: argv.model as string | undefined, card: argv.card as string | undefined, tensors: argv.tensors as boolean,
      dropoutAt: argv['dropout-at'] as string[] | undefined, dropoutRate: argv['dropout-rate'] as number | undefined,
    });
    // --tensors alone: one candidate per line, name first, for grep and cut
    const text = argv.tensors ? formatTensors(info.tensors ?? []) : formatInspect(info);
    process.stdout.write(argv.json ? JSON.stringify(info, null, 2) + '\n' : text);
  },
};
