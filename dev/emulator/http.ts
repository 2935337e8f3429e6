/** Small helpers over Node's `http` for the EFS and admin endpoints. */
import { type IncomingMessage, type ServerResponse } from 'node:http';
import { EfsError } from './errors';
import { type EmulatorConfig, type Scope } from './model';

export const maxBodyBytes = 1024 * 1024;

export class BodyTooLarge extends Error {
  override name = 'BodyTooLarge';
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBodyBytes) throw new BodyTooLarge(`request body exceeds ${maxBodyBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The Region of the SigV4 credential scope: `Credential=<key>/<date>/<region>/<service>/aws4_request`. */
export function signedRegion(req: IncomingMessage): string | undefined {
  const authorization = header(req, 'authorization');
  return authorization
    ? /Credential=[^/,\s]+\/\d{8}\/([^/]+)\/[^/]+\/aws4_request/.exec(authorization)?.[1]
    : undefined;
}

/**
 * Whose request this is: the account and Region its resources, ARNs and request-rate buckets
 * belong to. The Region comes from the SigV4 scope; the account is the emulator's one account.
 */
export function requestScope(req: IncomingMessage, config: Pick<EmulatorConfig, 'region' | 'accountId'>): Scope {
  return { region: signedRegion(req) ?? config.region, accountId: config.accountId };
}

export interface HttpAnswer {
  status: number;
  headers?: Record<string, string>;
  /** Serialized as JSON; absent means an empty body. */
  body?: unknown;
}

export function efsErrorAnswer(error: EfsError): HttpAnswer {
  return { status: error.status, headers: { 'x-amzn-errortype': error.code }, body: error.body() };
}

export function send(res: ServerResponse, answer: HttpAnswer, requestId: string): void {
  if (res.destroyed || res.writableEnded) return;
  const text = answer.body === undefined || answer.status === 204 ? '' : JSON.stringify(answer.body);
  res.writeHead(answer.status, {
    'x-amzn-requestid': requestId,
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    ...answer.headers,
  });
  res.end(text);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
