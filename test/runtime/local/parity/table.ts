/**
 * Prints the agreement table of local span mode against the extension's behaviour on
 * Datadog's own event samples: `npx tsx test/runtime/local/parity/table.ts [--details]`.
 */
import { LocalHarness } from '../local-harness';
import { compareSample, GROUPS, loadSamples, sourceOf, type Comparison } from './compare';

async function main(): Promise<void> {
  const harness = new LocalHarness();
  harness.install();
  const comparisons: Comparison[] = [];
  for (const sample of loadSamples()) comparisons.push(await compareSample(harness, sample));

  const rows = new Map<string, { events: number; eventsAgreeing: number; groups: number; groupsAgreeing: number }>();
  for (const comparison of comparisons) {
    const source = sourceOf(comparison);
    const row = rows.get(source) ?? { events: 0, eventsAgreeing: 0, groups: 0, groupsAgreeing: 0 };
    const compared = GROUPS.map((group) => comparison.groups[group]).filter((diffs): diffs is string[] => diffs !== undefined);
    row.events += 1;
    row.groups += compared.length;
    row.groupsAgreeing += compared.filter((diffs) => diffs.length === 0).length;
    if (compared.every((diffs) => diffs.length === 0)) row.eventsAgreeing += 1;
    rows.set(source, row);
  }
  const total = { events: 0, eventsAgreeing: 0, groups: 0, groupsAgreeing: 0 };
  console.log('| Event source | Events agreeing | Field groups agreeing |\n|---|---|---|');
  for (const [source, row] of [...rows].sort(([a], [b]) => a.localeCompare(b))) {
    console.log(`| ${source} | ${row.eventsAgreeing}/${row.events} | ${row.groupsAgreeing}/${row.groups} |`);
    for (const key of Object.keys(total) as Array<keyof typeof total>) total[key] += row[key];
  }
  console.log(`| **all** | ${total.eventsAgreeing}/${total.events} | ${total.groupsAgreeing}/${total.groups} |`);
  if (process.argv.includes('--details')) {
    for (const comparison of comparisons) {
      const diffs = GROUPS.flatMap((group) => comparison.groups[group] ?? []);
      if (diffs.length > 0) console.log(`\n${comparison.sample.id} (${comparison.reference.source})\n  ${diffs.join('\n  ')}`);
    }
  }
}

void main();
