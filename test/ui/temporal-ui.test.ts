import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import {
  apiVersion,
  ConditionType,
  fileSystemNames,
  group,
  version,
  type FileSystemObject,
} from '../../src/api/filesystem';
import { workflowIdFor } from '../../src/api/workflow-contract';
import { createE2eContext, deleteFileSystem, waitForCondition, waitForGone, type E2eContext } from '../e2e/harness';
import { ensureChromium, launchChromium, temporalUiUrl, uiOutputDir, workflowListUrl } from './browser';

/**
 * What a person sees in the dev stack's Temporal Web UI: a FileSystem object synced by the
 * stack's own orchestrator (so the object carries no test-run label) is found by its search
 * attributes, and its workflow page shows the object's summary and the workflow's current details.
 */
jest.setTimeout(300_000);

// The machine has 2 cores and the UI is a single-page app talking to Temporal: be patient.
const uiTimeoutMs = 60_000;
const objectName = 'shared-files';

let ctx: E2eContext;
let browser: Browser;
let page: Page;
let created = false;

beforeAll(async () => {
  ensureChromium();
  ctx = await createE2eContext('ui');
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.setDefaultTimeout(uiTimeoutMs);
  fs.mkdirSync(uiOutputDir, { recursive: true });
}, 600_000);

afterAll(async () => {
  await browser?.close();
  if (ctx && created) {
    // The stack's orchestrator deletes the file system and ends the workflow.
    await deleteFileSystem(ctx, objectName);
    await waitForGone(ctx, 'FileSystem', objectName);
  }
  await ctx?.close();
});

/** Opens the workflow list filtered by `query` and returns the table's body rows once loaded. */
async function openWorkflowList(query: string) {
  await page.goto(workflowListUrl(temporalUiUrl(), ctx.env.TEMPORAL_NAMESPACE ?? 'default', query));
  const table = page.getByRole('table', { name: 'Workflows' });
  await table.waitFor();
  return table.locator('tbody tr');
}

test('the Temporal UI finds the workflow of a FileSystem by its search attributes and shows its summary and details', async () => {
  const started = Date.now();
  await ctx.fileSystems.api.createNamespacedCustomObject({
    group,
    version,
    namespace: ctx.namespace,
    plural: fileSystemNames.plural,
    body: { apiVersion, kind: 'FileSystem', metadata: { name: objectName, namespace: ctx.namespace }, spec: {} },
  });
  created = true;
  const synced: FileSystemObject = await waitForCondition(ctx, objectName, ConditionType.synced, 'True', 180_000);
  const fileSystemId = synced.status?.fileSystemID;
  expect(fileSystemId).toMatch(/^fs-[0-9a-f]+$/);
  const workflowId = workflowIdFor('FileSystem', {
    namespace: ctx.namespace,
    name: objectName,
    uid: synced.metadata.uid ?? '',
  });
  expect(synced.status?.workflowID).toBe(workflowId);
  const syncedMs = Date.now() - started;

  // The list filtered by the object's namespace and name: exactly its workflow.
  const rows = await openWorkflowList(`KubernetesNamespace="${ctx.namespace}" AND KubernetesName="${objectName}"`);
  const workflowLink = page.getByRole('link', { name: workflowId, exact: true });
  await workflowLink.waitFor();
  expect(await rows.count()).toBe(1);
  const row = rows.first();
  expect(await row.innerText()).toContain(workflowId);
  expect(await row.innerText()).toContain('fileSystemWorkflow');
  await page.screenshot({ path: path.join(uiOutputDir, `${objectName}-list.png`) });

  // Its page: the summary and details are Markdown, rendered by the UI in frames of their own.
  await workflowLink.click();
  await page.getByRole('heading', { name: workflowId }).waitFor();
  await page.getByRole('tab', { name: 'User Metadata' }).click();
  const summary = page.frameLocator('iframe#user-metadata-summary');
  await summary.getByText(`FileSystem ${ctx.namespace}/${objectName}`, { exact: true }).waitFor();
  const details = page.frameLocator('iframe#user-metadata-details');
  await details.getByText(synced.metadata.uid ?? '', { exact: false }).waitFor();
  const currentDetails = page.frameLocator('iframe#user-metadata-current-details');
  await currentDetails.getByText('Synced', { exact: true }).waitFor();
  await currentDetails.getByText(`EFS file system ${fileSystemId} is available`, { exact: false }).waitFor();
  const screenshot = path.join(uiOutputDir, `${objectName}.png`);
  await page.screenshot({ path: screenshot });
  expect(fs.statSync(screenshot).size).toBeGreaterThan(10_000);

  // The attributes the workflow keeps current answer queries too: the synced state and the file system id...
  const syncedRows = await openWorkflowList(`SyncState="Synced" AND EfsFileSystemId="${fileSystemId}"`);
  await page.getByRole('link', { name: workflowId, exact: true }).waitFor();
  expect(await syncedRows.count()).toBe(1);
  // ...and a state the object is not in finds nothing, so the filter is really applied.
  const creatingRows = await openWorkflowList(`KubernetesNamespace="${ctx.namespace}" AND SyncState="Creating"`);
  await page.getByText('No Workflows Found').waitFor();
  expect(await creatingRows.count()).toBe(0);

  process.stdout.write(
    `Temporal UI test: synced in ${syncedMs} ms, browser checks in ${Date.now() - started - syncedMs} ms; ` +
      `screenshot ${path.relative(process.cwd(), screenshot)}\n`,
  );
});
