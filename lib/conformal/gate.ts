/**
 * `audit --conformal FILE --min-coverage C`: the sets' promise checked on the audit images. The
 * measured coverage is a mean over m images, so even when the promise holds it falls below its
 * expectation by chance; the gate breaks only when it is lower than the target by more than that
 * finite-sample slack, z * sd / sqrt(m) (sd: the images' coverages' standard deviation; z of a
 * one-sided 95% normal bound, CONFORMAL_DEFAULTS.gateZ). A broken gate says the images are not
 * exchangeable with the calibration set: the data has drifted (or the file was fitted elsewhere).
 */
import { CONFORMAL_DEFAULTS } from '../defaults';
import type { GateResult } from '../report/formats';
import { readJsonFile } from '../json-file';
import { checkFile, count, nullable, num, obj, rate } from '../schema';
import { checkNumber } from '../validate';
import type { ConformalMetrics } from './apply';

const fmt = (v: number): string => String(Number(v.toPrecision(4)));

/** Checks --min-coverage (a fraction) and that a --conformal file comes with it; returns the bound. */
export function checkMinCoverage(minCoverage: unknown, conformal: string | undefined): number {
  const v = checkNumber('--min-coverage', minCoverage, { min: 0, max: 1 });
  if (conformal === undefined) throw new RangeError('--min-coverage checks the sets of a --conformal file: give the conformal.json to check (segnet-uq conformal makes it)');
  return v;
}

/** The slack of a mean over `images` coverages with standard deviation `sd` (0 without a spread to measure). */
export const coverageSlack = (sd: number | null, images: number, z: number = CONFORMAL_DEFAULTS.gateZ): number => (sd === null || images < 2 ? 0 : (z * sd) / Math.sqrt(images));

/** The gate's result as audit.json records it. */
export function coverageGate(minCoverage: number, m: ConformalMetrics | undefined, z: number = CONFORMAL_DEFAULTS.gateZ): GateResult {
  const base = { name: `conformal coverage >= ${fmt(minCoverage)}`, metric: 'conformalCoverage', label: 'conformal coverage', kind: 'min' as const, severity: 'fail' as const,
    threshold: minCoverage, allowedChange: null, baseline: null, change: null };
  const measured = m?.coverage ?? null;
  if (!m || measured === null) return { ...base, measured: null, passed: false, message: 'no labelled image had its coverage measured' };
  const slack = coverageSlack(m.coverageStd, m.images, z);
  const passed = measured >= minCoverage - slack;
  const how = `finite-sample slack ${fmt(slack)} = ${z} x sd ${fmt(m.coverageStd ?? 0)} / sqrt(${m.images} images), a one-sided 95% bound on a mean of ${m.images} coverages`;
  const message = passed
    ? `measured ${fmt(measured)} over ${m.images} images, bound >= ${fmt(minCoverage)} less the ${how}: holds`
    : `measured ${fmt(measured)} over ${m.images} images is below ${fmt(minCoverage)} by ${fmt(minCoverage - measured)}, more than the ${how}: broken; `
      + 'these images are not like the calibration images (data drift?): fit the sets again on images like them';
  return { ...base, measured, passed, message };
}

/** metrics.conformal of a finished run's summary.json (audit --from, merge); a usage error when the run had no --conformal. */
export function conformalOfSummary(file: string): ConformalMetrics {
  const summary = checkFile(file, readJsonFile(file, { flag: '--from' }), obj({}, {
    metrics: obj({}, { conformal: obj({ coverage: nullable(rate), coverageStd: nullable(num({ min: 0 })), images: count, meanSetSize: num({ min: 0 }), ambiguous: rate }) }),
  }), { flag: '--from' });
  const m = summary.metrics?.conformal;
  if (!m) throw new RangeError(`--min-coverage needs the coverage of a run made with --conformal and labels, and ${file} has none`);
  return m as unknown as ConformalMetrics;
}
