import * as fs from 'node:fs';
import * as path from 'node:path';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { companionKinds, kinds } from '../../src/api/kinds';
import { observerWorkflowType } from '../../src/api/observer-contract';
import { replayFile, quietLogger } from '../../src/history/replay';

/**
 * Every recorded history under test/fixtures/histories must replay against today's workflow
 * code: a change that would break running workflows fails here. Record a new fixture from a run
 * on the dev stack with `npm run record-history -- <workflow-id> --name <fixture-name>`.
 */
const fixturesDir = path.join(__dirname, '..', 'fixtures', 'histories');
const fixtures = fs.readdirSync(fixturesDir).filter((f) => f.endsWith('.json'));

test('there is at least one recorded history of a full create run', () => {
  expect(fixtures.length).toBeGreaterThan(0);
});

/** Every workflow type the worker runs: each kind's, each companion kind's and the observer's. */
const workflowTypes = [
  ...[...Object.values(kinds), ...Object.values(companionKinds)].map((k) => k.workflowType),
  observerWorkflowType,
];

test.each(workflowTypes)('every workflow type has a recorded history: %s', (workflowType) => {
  const recorded = fixtures.filter((file) =>
    fs.readFileSync(path.join(fixturesDir, file), 'utf8').includes(`"name": "${workflowType}"`),
  );
  expect(recorded.length).toBeGreaterThan(0);
});

test.each(fixtures)('%s replays deterministically against the current workflow code', async (file) => {
  const outcome = await replayFile(path.join(fixturesDir, file));
  expect(outcome.error).toBeUndefined();
  expect(outcome.ok).toBe(true);
});

test('the replay check catches a workflow that changed incompatibly', async () => {
  const incompatible = await bundleWorkflowCode({
    workflowsPath: require.resolve('../fixtures/workflows'),
    logger: quietLogger,
  });
  const file = fixtures.find((f) => f.startsWith('filesystem-')) as string;
  const history: unknown = JSON.parse(fs.readFileSync(path.join(fixturesDir, file), 'utf8'));
  await expect(Worker.runReplayHistory({ workflowBundle: incompatible }, history, 'incompatible')).rejects.toThrow(
    /[Nn]ondeterminism|DeterminismViolation/,
  );
});
