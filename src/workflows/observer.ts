import * as wf from '@temporalio/workflow';
import type { createObserverActivities } from '../activities/observer';
import { watchesQuery, watchSignal, type ObserverInput, type Watch } from '../api/observer-contract';

type ObserverActivities = ReturnType<typeof createObserverActivities>;

/** Continue as new past this many events: the loop's rounds and the watches' signals stay cheap to replay. */
const historyLimit = 5_000;

/**
 * The observer of one (account, Region): it holds the watches object workflows send it and runs
 * the observation loop in a heartbeating activity, one round a minute. A dead worker is noticed
 * by the heartbeat timeout and the round resumes on another worker; no fixed timeout ends it.
 */
const { runObserver } = wf.proxyActivities<ObserverActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds' },
  summary: 'observing AWS',
});

export async function observerWorkflow(input: ObserverInput): Promise<void> {
  const watches = new Map<string, Watch>((input.watches ?? []).map((w) => [w.workflowId, w]));
  wf.setHandler(watchSignal, (watch: Watch) => {
    // A workflow's newer watch replaces its older one; a late duplicate of an older one does not.
    const current = watches.get(watch.workflowId);
    if (current && watch.ticket < current.ticket) return;
    if (watch.until === 'released') watches.delete(watch.workflowId);
    else watches.set(watch.workflowId, watch);
  });
  wf.setHandler(watchesQuery, (): Watch[] => [...watches.values()]);
  // Rounds are separate activities: the slow reads' memory goes from one to the next through here.
  let slowReads = input.slowReads;
  for (;;) {
    const round = await runObserver(input.partition, slowReads);
    for (const { workflowId, ticket } of round.settled) {
      if (watches.get(workflowId)?.ticket === ticket) watches.delete(workflowId);
    }
    slowReads = round.slowReads ?? slowReads;
    const info = wf.workflowInfo();
    if (info.continueAsNewSuggested || info.historyLength >= historyLimit) {
      await wf.condition(wf.allHandlersFinished);
      await wf.continueAsNew<typeof observerWorkflow>({
        partition: input.partition,
        watches: [...watches.values()],
        ...(slowReads ? { slowReads } : {}),
      });
    }
  }
}
