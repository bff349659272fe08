/**
 * What `samples` adds up from each processed image, whose one sampling loop took a snapshot at
 * each count (lib/engine/sampler.ts): per count the uncertainty sums, the pixels agreeing with
 * the largest count and the time, and with a label the confusion and calibration statistics at
 * the label's resolution. With --samples auto one more row, fed the maps where the rule stopped.
 */
import type { AutoSamples } from '../engine/convergence';
import { addToCalibration } from '../metrics/calibration-stats';
import { addToConfusion } from '../metrics/confusion';
import type { SampleCountRow, SamplesAutoRow } from '../report/formats';
import { addCountValues, countRows, countValues, createCountAccumulator, type CountAccumulator, type ImageCountValues } from '../report/sample-counts';
import type { ProcessedImage } from './image-step';
import { metricInput } from './labels';

export interface SamplesSweepOptions {
  readonly numClasses: number;
  /** equal-width ECE bins */
  readonly bins: number;
  /** label value the scores skip */
  readonly ignoreIndex: number | undefined;
  /** keep each image's values (a shard's samples-stats.json) */
  readonly keepImages: boolean;
}

export class SamplesSweep {
  /** one accumulator per count */
  readonly perCount: CountAccumulator[];
  /** with keepImages: per image, its values at each count */
  readonly perImage: ImageCountValues[] = [];
  private readonly autoAcc: CountAccumulator | null;
  private readonly autoN: { file: string; samples: number }[] = [];
  private images = 0;
  private labelledImages = 0;

  constructor(private readonly counts: readonly number[], private readonly auto: AutoSamples | null, private readonly options: SamplesSweepOptions) {
    this.perCount = counts.map(() => createCountAccumulator(options.numClasses, options.bins));
    this.autoAcc = auto ? createCountAccumulator(options.numClasses, options.bins) : null;
  }

  add(p: ProcessedImage): void {
    const { result, labelled } = p;
    const snapshots = result.snapshots ?? [];
    if (snapshots.length !== this.counts.length || (this.auto && !result.stop)) {
      throw new Error(`the sampling gave ${snapshots.length} snapshots${result.stop ? ' and its stop' : ''} for ${this.counts.length} counts${this.auto ? ' and auto' : ''}`);
    }
    const sweep = result.stop && this.auto ? [...snapshots, result.stop] : snapshots;
    const maps = sweep.map((x) => x.maps);
    const largest = maps[this.counts.length - 1].predicted;
    // the step scored the label once (a bad value leaves no count half-updated); each count is
    // then scored at the label's resolution, the step's view taken where its maps are the count's
    const scored = labelled ? maps.map((m) => (m === result.maps ? labelled.input : metricInput(m, labelled.label).input)) : null;
    const values = maps.map((m, j) => countValues(m, largest, sweep[j].ms));
    if (this.options.keepImages) this.perImage.push({ file: p.prepared.file, sha256: result.digest, values });
    if (this.auto) this.autoN.push({ file: p.prepared.file, samples: maps[this.counts.length].samples });
    const accs = this.autoAcc ? [...this.perCount, this.autoAcc] : this.perCount;
    accs.forEach((acc, j) => {
      addCountValues(acc, values[j]);
      if (scored) {
        addToConfusion(acc.confusion, scored[j].labels, scored[j].predicted, this.options.ignoreIndex);
        addToCalibration(acc.calibration, scored[j], this.options.ignoreIndex);
      }
    });
    this.images++;
    if (scored) this.labelledImages++;
  }

  /** Images added, and those of them scored against a label. */
  get totals(): { images: number; labelledImages: number } {
    return { images: this.images, labelledImages: this.labelledImages };
  }

  /** samples.json's rows, one per count. */
  rows(): SampleCountRow[] {
    return countRows(this.counts, this.perCount, this.images, this.labelledImages);
  }

  /** The auto row (mean N the rule chose, and N per image); undefined without auto. */
  autoRow(): SamplesAutoRow | undefined {
    if (!this.auto || !this.autoAcc) return undefined;
    const n = this.autoN;
    const meanSamples = n.length ? n.reduce((s, x) => s + x.samples, 0) / n.length : 0;
    return { ...countRows([meanSamples], [this.autoAcc], this.images, this.labelledImages)[0], settings: this.auto, meanSamples, perImage: n };
  }
}
