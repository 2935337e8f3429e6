/** The EFS REST-JSON wire format, checked with plain HTTP requests (no SDK in between). */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { DescribeFileSystemsCommand } from '@aws-sdk/client-efs';
import { type TestEmulator, startTestEmulator } from './support/emulator';

let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator({ createDelayMs: 1000 });
});
afterAll(() => t.emulator.close());
beforeEach(() => t.emulator.admin.reset());

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function signedFor(region: string): Record<string, string> {
  return {
    authorization: `AWS4-HMAC-SHA256 Credential=test/20250101/${region}/elasticfilesystem/aws4_request, SignedHeaders=host;x-amz-date, Signature=00`,
  };
}

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(t.emulator.url + path, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    json: text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>),
  };
}

async function createAvailable(token: string, headers: Record<string, string> = {}): Promise<string> {
  const created = await call('POST', '/2015-02-01/file-systems', { CreationToken: token }, headers);
  t.clock.advance(1000);
  return created.json?.FileSystemId as string;
}

describe('EFS wire format', () => {
  it('CreateFileSystem answers 201 with epoch-second timestamps, JSON and a request id', async () => {
    const created = await call('POST', '/2015-02-01/file-systems', { CreationToken: 'wire-1' });
    expect(created.status).toBe(201);
    expect(created.headers.get('content-type')).toBe('application/json');
    expect(created.headers.get('x-amzn-requestid')).toMatch(uuid);
    expect(created.json?.CreationTime).toBe(t.clock.now() / 1000);
    expect(created.json?.FileSystemId).toMatch(/^fs-[0-9a-f]{17}$/);
    expect(created.json?.LifeCycleState).toBe('creating');
  });

  it('UpdateFileSystem answers 202; DeleteFileSystem 204 with an empty body', async () => {
    const id = await createAvailable('wire-2');
    const updated = await call('PUT', `/2015-02-01/file-systems/${id}`, { ThroughputMode: 'elastic' });
    expect(updated.status).toBe(202);
    expect(updated.json?.LifeCycleState).toBe('updating');
    const deleted = await call('DELETE', `/2015-02-01/file-systems/${id}`);
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    expect(deleted.headers.get('x-amzn-requestid')).toMatch(uuid);
  });

  it('errors carry x-amzn-errortype and a JSON body with ErrorCode and Message', async () => {
    const missing = await call('GET', '/2015-02-01/file-systems?FileSystemId=fs-0123456789abcdef0');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-amzn-errortype')).toBe('FileSystemNotFound');
    expect(missing.headers.get('x-amzn-requestid')).toMatch(uuid);
    expect(missing.json).toEqual({
      ErrorCode: 'FileSystemNotFound',
      Message: "File system 'fs-0123456789abcdef0' does not exist.",
    });
  });

  it('FileSystemAlreadyExists is 409 and names the existing FileSystemId', async () => {
    const first = await call('POST', '/2015-02-01/file-systems', { CreationToken: 'wire-dup' });
    const second = await call('POST', '/2015-02-01/file-systems', { CreationToken: 'wire-dup' });
    expect(second.status).toBe(409);
    expect(second.headers.get('x-amzn-errortype')).toBe('FileSystemAlreadyExists');
    expect(second.json).toEqual({
      ErrorCode: 'FileSystemAlreadyExists',
      FileSystemId: first.json?.FileSystemId,
      Message: `File system '${String(first.json?.FileSystemId)}' already exists with creation token 'wire-dup'`,
    });
  });

  it.each([
    ['GET', '/'],
    ['GET', '/index.html'],
    ['POST', '/2015-02-01/no-such-thing'],
    ['GET', '/2016-01-01/file-systems'],
  ])('%s %s (no such route) is a JSON UnknownOperationException, not an HTML page', async (method, path) => {
    const answer = await call(method, path);
    expect(answer.status).toBe(404);
    expect(answer.headers.get('content-type')).toBe('application/json');
    expect(answer.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    expect(answer.json?.Message).toContain('no EFS operation matches');
  });

  it('a known path with a method EFS does not define is a JSON UnknownOperationException naming the method', async () => {
    const answer = await call('PATCH', '/2015-02-01/file-systems');
    expect(answer.status).toBe(404);
    expect(answer.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    expect(answer.json?.Message).toBe('PATCH is not an EFS method for /2015-02-01/file-systems');
  });

  it('a body that is not JSON, or not an object, is BadRequest', async () => {
    const broken = await call('POST', '/2015-02-01/file-systems', '{"CreationToken": ');
    expect(broken.status).toBe(400);
    expect(broken.json).toEqual({ ErrorCode: 'BadRequest', Message: 'The request body is not valid JSON' });
    const list = await call('POST', '/2015-02-01/file-systems', '[1,2]');
    expect(list.json?.Message).toBe('The request body must be a JSON object');
  });

  it('a member of the wrong JSON type is BadRequest', async () => {
    const answer = await call('POST', '/2015-02-01/file-systems', { CreationToken: 'typed', Encrypted: 'yes' });
    expect(answer.status).toBe(400);
    expect(answer.json?.Message).toBe('Encrypted must be a boolean');
  });

  it('takes the Region from the SigV4 credential scope, else the configured default; Regions do not share file systems', async () => {
    const inIreland = await call(
      'POST',
      '/2015-02-01/file-systems',
      { CreationToken: 'regional' },
      signedFor('eu-west-1'),
    );
    expect(inIreland.json?.FileSystemArn).toBe(
      `arn:aws:elasticfilesystem:eu-west-1:123456789012:file-system/${String(inIreland.json?.FileSystemId)}`,
    );
    const unsigned = await call('POST', '/2015-02-01/file-systems', { CreationToken: 'regional' });
    expect(unsigned.status).toBe(201);
    expect(unsigned.json?.FileSystemArn).toMatch(/^arn:aws:elasticfilesystem:us-east-1:123456789012:file-system\//);
    const fromVirginia = await call(
      'GET',
      `/2015-02-01/file-systems?FileSystemId=${String(inIreland.json?.FileSystemId)}`,
      undefined,
      signedFor('us-east-1'),
    );
    expect(fromVirginia.status).toBe(404);
  });

  it('the account id comes from the configuration', async () => {
    await t.emulator.admin.setConfig({ accountId: '210987654321' });
    const created = await call('POST', '/2015-02-01/file-systems', { CreationToken: 'account' });
    expect(created.json?.OwnerId).toBe('210987654321');
    expect(created.json?.FileSystemArn).toContain(':210987654321:file-system/');
  });

  it('accepts a URL-encoded file system ARN as a path label and in the query', async () => {
    const id = await createAvailable('by-arn');
    const arn = `arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/${id}`;
    const put = await call('PUT', `/2015-02-01/file-systems/${encodeURIComponent(arn)}/lifecycle-configuration`, {
      LifecyclePolicies: [{ TransitionToIA: 'AFTER_30_DAYS' }],
    });
    expect(put.status).toBe(200);
    const described = await t.client().send(new DescribeFileSystemsCommand({ FileSystemId: arn }));
    expect(described.FileSystems?.[0]?.FileSystemId).toBe(id);
  });

  it('UntagResource reads every repeated tagKeys query parameter', async () => {
    const id = await createAvailable('untag-raw');
    await call('POST', `/2015-02-01/resource-tags/${id}`, { Tags: ['a', 'b', 'c'].map((k) => ({ Key: k, Value: k })) });
    const untagged = await call('DELETE', `/2015-02-01/resource-tags/${id}?tagKeys=a&tagKeys=c`);
    expect(untagged.status).toBe(200);
    const listed = await call('GET', `/2015-02-01/resource-tags/${id}`);
    expect(listed.json?.Tags).toEqual([{ Key: 'b', Value: 'b' }]);
  });

  it('the admin API lives under /__admin on the same port and answers JSON', async () => {
    const health = await call('GET', '/__admin/health');
    expect(health.status).toBe(200);
    expect(health.json).toEqual({ ok: true, service: 'efs-emulator' });
    expect(t.emulator.adminUrl).toBe(`${t.emulator.url}/__admin`);
  });
});
