/** OUT/samples.json and its two charts, for a samples run and for a merge of its shards. */
import { insideOutput, writeFileAtomic } from '../atomic';
import { sampleCountChart } from './charts';
import type { SamplesResult } from './formats';
import { samplesSchema } from './format-schemas';
import { writeJsonChecked } from './write-checked';

/** OUT/samples.json and the two charts. */
export function writeSamplesOutputs(out: string, result: SamplesResult): void {
  const counts = result.rows.map((r) => r.samples);
  const quality = [
    ...(result.labelledImages ? [
      { label: 'mIoU', values: result.rows.map((r) => r.meanIoU) },
      { label: 'global accuracy', values: result.rows.map((r) => r.globalAccuracy) },
      { label: 'ECE', values: result.rows.map((r) => r.ece) },
    ] : []),
    { label: `agreement with N=${counts[counts.length - 1]}`, values: result.rows.map((r) => r.agreement) },
  ];
  writeFileAtomic(insideOutput(out, 'samples.png'), sampleCountChart({ counts, series: quality, yLabel: 'fraction', title: 'Quality against the number of MC samples' }));
  writeFileAtomic(insideOutput(out, 'samples-uncertainty.png'), sampleCountChart({
    counts, yLabel: 'nats', title: 'Mean uncertainty against the number of MC samples',
    series: [{ label: 'mean predictive entropy', values: result.rows.map((r) => r.meanEntropy) },
      { label: 'mean mutual information', values: result.rows.map((r) => r.meanMutualInformation) }],
  }));
  writeJsonChecked(insideOutput(out, 'samples.json'), result, samplesSchema);
}
