import { existsSync } from 'fs';
import type { CommandModule } from 'yargs';
import { writeFileAtomic } from '../../lib/atomic';
import { cardPathFor } from '../../lib/model/card';
import { draftCard } from '../../lib/commands/draft-card';
import { DRAFT_DEFAULTS } from '../../lib/defaults';

export const cardCommand: CommandModule = {
  command: 'card <model>',
  describe: 'draft a model card (MODEL.json) from an ONNX graph; models/README.md describes each field',
  builder: (y) => y.positional('model', { type: 'string', demandOption: true, describe: 'ONNX model' })
    .option('out', { alias: 'o', type: 'string', describe: 'card file [default: MODEL.json beside the model; - for stdout]' })
    .option('width', { type: 'number', describe: `input width for a dynamic width [default: ${DRAFT_DEFAULTS.width}]` })
    .option('height', { type: 'number', describe: `input height for a dynamic height [default: ${DRAFT_DEFAULTS.height}]` })
    .option('force', { type: 'boolean', default: false, describe: 'overwrite an existing card' }),
  handler: async (argv) => {
    const model = argv.model as string;
    const out = (argv.out as string | undefined) ?? cardPathFor(model);
    if (out !== '-' && existsSync(out) && !argv.force) {
      process.stderr.write(`segnet-uq: ${out} exists; pass --force to overwrite it or --out to write elsewhere\n`);
      process.exitCode = 2;
      return;
    }
    const { card, notes } = await draftCard(model, { width: argv.width as number | undefined, height: argv.height as number | undefined });
    const json = JSON.stringify(card, null, 2) + '\n';
    if (out === '-') process.stdout.write(json);
    else {
      writeFileAtomic(out, json);
      process.stdout.write(`card drafted -> ${out} (run with --model ${model} --card ${out})\n`);
    }
    for (const n of notes) process.stderr.write(`note: ${n}\n`);
  },
};
