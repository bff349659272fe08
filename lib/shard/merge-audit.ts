/**
 * The gates of sharded `audit` runs, which must agree: lib/commands/merge-shards checks them on
 * the merged folder as `audit --from` checks a finished run, never on a shard's own numbers.
 */
import { auditSchema } from '../report/format-schemas';
import type { GateSpec } from '../audit/gates';
import { AUDIT_SCHEMA_VERSION, type AuditResult, type GateResult } from '../report/formats';
import { readResult, type LoadedShard } from './merge-checks';

const readAudit = (dir: string): AuditResult => readResult<AuditResult>(dir, 'audit.json', AUDIT_SCHEMA_VERSION, auditSchema);

/** The gate an audit.json entry was made from. */
export function gateSpecOf(g: GateResult): GateSpec {
  return {
    metric: g.metric, kind: g.kind, severity: g.severity,
    value: g.allowedChange ? g.allowedChange.value : (g.threshold as number), relative: g.allowedChange?.relative ?? false,
  };
}

/** minCoverage: audit --conformal's coverage gate (not a metric gate: lib/conformal/gate.ts), checked on the merged summary.json */
export interface AuditSettings { gates: GateSpec[]; failOnWarn: boolean; baseline: string | null; minCoverage: number | null }

const COVERAGE = 'conformalCoverage';
const settingsOf = (a: AuditResult): AuditSettings => ({
  gates: a.gates.filter((g) => g.metric !== COVERAGE).map(gateSpecOf), failOnWarn: a.failOnWarn, baseline: a.baseline?.file ?? null,
  minCoverage: a.gates.find((g) => g.metric === COVERAGE)?.threshold ?? null,
});

/** The gates every shard's audit.json holds; throws naming the shard whose differ. */
export function auditSettings(shards: readonly LoadedShard[]): AuditSettings {
  const all = shards.map((s) => settingsOf(readAudit(s.dir)));
  all.forEach((a, i) => {
    if (JSON.stringify(a) !== JSON.stringify(all[0])) {
      throw new Error(`${shards[i].dir}: its audit checked other gates than ${shards[0].dir} (${JSON.stringify(a)} against ${JSON.stringify(all[0])})`);
    }
  });
  return all[0];
}
