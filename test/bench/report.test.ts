import { goalsAcrossRuns, type GoalCheck, type NodeSummary } from '../../bench/report';

/** A run's summary holding only goal checks: ours / Datadog = `ratio` for each measure. */
function run(version: string, ratios: Record<string, number>, extra: GoalCheck[] = []): NodeSummary {
  const goals: GoalCheck[] = Object.entries(ratios).map(([measure, ratio]) => ({ measure, ours: ratio * 200, datadog: 200, unit: 'ms', goal: '≤ 0.08× Datadog', factor: 0.08, pass: ratio <= 0.08 }));
  return { version, v8: '', datadog: '', scenarios: {}, goals: [...goals, ...extra] };
}

describe('goalsAcrossRuns', () => {
  it('keeps each run\'s ratio per Node and measure, and decides on their median', () => {
    // GIVEN three runs on two Nodes, the machine slow in the second run
    const summaries = [
      run('v22', { cold: 0.075 }),
      run('v24', { cold: 0.07 }),
      run('v22', { cold: 0.11 }),
      run('v24', { cold: 0.09 }),
      run('v22', { cold: 0.078 }),
      run('v24', { cold: 0.085 }),
    ];

    // WHEN
    const goals = goalsAcrossRuns(summaries);

    // THEN one row per Node, the ratios in run order, the median deciding
    expect(goals).toHaveLength(2);
    expect(goals[0]).toMatchObject({ version: 'v22', measure: 'cold', goal: '≤ 0.08× Datadog', pass: true });
    expect(goals[0].ratios.map((r) => Number(r.toFixed(3)))).toEqual([0.075, 0.11, 0.078]);
    expect(goals[0].median).toBeCloseTo(0.078);
    expect(goals[1]).toMatchObject({ version: 'v24', pass: false });
    expect(goals[1].median).toBeCloseTo(0.085);
  });

  it('leaves out goals that are not a ratio to Datadog', () => {
    const bundle: GoalCheck = { measure: 'bundle', ours: 118, datadog: Number.NaN, unit: 'KB', goal: '≤ 120 KB', pass: true };
    expect(goalsAcrossRuns([run('v20', {}, [bundle]), run('v20', {}, [bundle])])).toEqual([]);
  });
});
