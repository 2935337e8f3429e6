import * as fs from 'node:fs';
import * as path from 'node:path';
import { fetchHistoryJson, replayFile, replayHistory, type ReplayOutcome } from '../../history/replay';
import { parsers } from '../../shared/config';
import { repoRoot } from '../../shared/paths';
import { defineCommand } from '../command';
import { temporalSettings } from '../../temporal/settings';

const fixturesDir = path.join(repoRoot, 'test', 'fixtures', 'histories');

function print(outcome: ReplayOutcome): void {
  const what = outcome.file ? path.relative(process.cwd(), outcome.file) : outcome.workflowId;
  process.stdout.write(outcome.ok ? `deterministic: ${what}\n` : `NOT deterministic: ${what}\n  ${outcome.error}\n`);
}

export const replayCommand = defineCommand({
  name: 'replay',
  summary: 'Replay workflow histories (files or workflow ids) against the current workflow code',
  usage: '<history.json | directory | workflow-id> ...',
  settings: { ...temporalSettings },
  async run(config, targets) {
    if (targets.length === 0) targets = [fixturesDir];
    let failures = 0;
    for (const target of targets) {
      const outcomes: ReplayOutcome[] = [];
      if (fs.existsSync(target) && fs.statSync(target).isDirectory()) {
        for (const file of fs
          .readdirSync(target)
          .filter((f) => f.endsWith('.json'))
          .sort())
          outcomes.push(await replayFile(path.join(target, file)));
      } else if (fs.existsSync(target)) {
        outcomes.push(await replayFile(target));
      } else {
        const json = await fetchHistoryJson(
          { address: config.temporalAddress, namespace: config.temporalNamespace },
          target,
        );
        outcomes.push(await replayHistory(JSON.parse(json), target));
      }
      for (const outcome of outcomes) {
        print(outcome);
        if (!outcome.ok) failures++;
      }
    }
    return failures === 0 ? 0 : 1;
  },
});

export const recordHistoryCommand = defineCommand({
  name: 'record-history',
  summary: 'Save a workflow history as a replay fixture under test/fixtures/histories',
  usage: '<workflow-id> --name <fixture-name>',
  settings: {
    ...temporalSettings,
    fixtureName: { flag: 'name', default: '', description: 'Fixture file name (without .json)', parse: parsers.string },
    runId: { flag: 'run-id', default: '', description: 'A specific run (default: the latest)', parse: parsers.string },
  },
  async run(config, [workflowId]) {
    if (!workflowId || !config.fixtureName) {
      process.stderr.write('usage: efs-orchestrator record-history <workflow-id> --name <fixture-name>\n');
      return 2;
    }
    const json = await fetchHistoryJson(
      { address: config.temporalAddress, namespace: config.temporalNamespace },
      workflowId,
      config.runId || undefined,
    );
    const file = path.join(fixturesDir, `${config.fixtureName}.json`);
    fs.mkdirSync(fixturesDir, { recursive: true });
    fs.writeFileSync(file, json + '\n');
    process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
    const outcome = await replayFile(file);
    print(outcome);
    return outcome.ok ? 0 : 1;
  },
});
