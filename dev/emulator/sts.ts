/**
 * A local STS for the dev stack: AssumeRole and GetCallerIdentity over the AWS Query protocol
 * (form-encoded POST to `/`, XML answers), served beside the EFS API. Credentials it issues say
 * whose they are in their access key (as AWS's keys encode their account): `ASIA` + the 12-digit
 * account + 4 characters. Every other access key (the dev stack's `test`) is the emulator's own
 * account. The emulator scopes EFS resources by that account, so each account's are kept apart.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { type IncomingMessage, type ServerResponse } from 'node:http';
import { header, signedRegion } from './http';
import { type EmulatorConfig, type Scope } from './model';

const xmlns = 'https://sts.amazonaws.com/doc/2011-06-15/';
const roleArnPattern = /^arn:aws[-a-z]*:iam::(\d{12}):role\/((?:[\w+=,.@-]+\/)*)([\w+=,.@-]{1,64})$/;
const sessionNamePattern = /^[\w+=,.@-]{2,64}$/;
const issuedKeyPattern = /^ASIA(\d{12})[A-Z0-9]{4}$/;
/** DurationSeconds bounds of AssumeRole (the upper one is the role's maximum session, 1 h by default). */
export const sessionSeconds = { min: 900, max: 43_200, default: 3600 } as const;

/** The access key id of the SigV4 `Authorization` header, if the request is signed. */
export function signedAccessKey(req: IncomingMessage): string | undefined {
  const authorization = header(req, 'authorization');
  return authorization ? /Credential=([^/,\s]+)\//.exec(authorization)?.[1] : undefined;
}

/** The account whose credentials signed the request: the one an issued key names, else `ownAccountId`. */
export function callerAccount(req: IncomingMessage, ownAccountId: string): string {
  const key = signedAccessKey(req);
  return (key && issuedKeyPattern.exec(key)?.[1]) || ownAccountId;
}

/**
 * Whose request this is: the account and Region its resources, ARNs and request-rate buckets
 * belong to. The Region comes from the SigV4 scope, the account from the signing key.
 */
export function requestScope(req: IncomingMessage, config: Pick<EmulatorConfig, 'region' | 'accountId'>): Scope {
  return { region: signedRegion(req) ?? config.region, accountId: callerAccount(req, config.accountId) };
}

/** Requests for STS: the Query protocol posts a form to the root path. */
export function isStsRequest(req: IncomingMessage, url: URL): boolean {
  return (
    req.method === 'POST' &&
    url.pathname === '/' &&
    (header(req, 'content-type') ?? '').startsWith('application/x-www-form-urlencoded')
  );
}

export interface StsSettings {
  /** The account of every key the emulator did not issue. */
  accountId: string;
  /** Roles whose trust policy does not let the caller in: AssumeRole answers AccessDenied. */
  refusedRoleArns: readonly string[];
  now: number;
}

interface StsAnswer {
  status: number;
  xml: string;
}

class StsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function handleSts(req: IncomingMessage, res: ServerResponse, body: string, settings: StsSettings): void {
  const requestId = randomUUID();
  let answer: StsAnswer;
  try {
    answer = answerSts(
      new URLSearchParams(body),
      callerAccount(req, settings.accountId),
      signedAccessKey(req),
      settings,
      requestId,
    );
  } catch (err) {
    if (!(err instanceof StsError)) throw err;
    answer = {
      status: err.status,
      xml:
        `<ErrorResponse xmlns="${xmlns}"><Error><Type>Sender</Type><Code>${err.code}</Code>` +
        `<Message>${escape(err.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    };
  }
  res.writeHead(answer.status, {
    'x-amzn-requestid': requestId,
    'content-type': 'text/xml',
    'content-length': String(Buffer.byteLength(answer.xml)),
  });
  res.end(answer.xml);
}

function answerSts(
  form: URLSearchParams,
  account: string,
  accessKey: string | undefined,
  settings: StsSettings,
  requestId: string,
): StsAnswer {
  const action = form.get('Action');
  const metadata = `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata>`;
  if (action === 'GetCallerIdentity') {
    const arn = accessKey?.startsWith('ASIA')
      ? `arn:aws:sts::${account}:assumed-role/efs-emulator/session`
      : `arn:aws:iam::${account}:user/test`;
    return {
      status: 200,
      xml:
        `<GetCallerIdentityResponse xmlns="${xmlns}"><GetCallerIdentityResult><Arn>${arn}</Arn>` +
        `<UserId>AIDA${account}</UserId><Account>${account}</Account></GetCallerIdentityResult>${metadata}</GetCallerIdentityResponse>`,
    };
  }
  if (action !== 'AssumeRole') {
    throw new StsError(400, 'InvalidAction', `Could not find operation ${action ?? '(none)'} for version 2011-06-15`);
  }
  const roleArn = form.get('RoleArn') ?? '';
  const sessionName = form.get('RoleSessionName') ?? '';
  const durationRaw = form.get('DurationSeconds');
  const role = roleArnPattern.exec(roleArn);
  if (!role)
    throw new StsError(
      400,
      'ValidationError',
      `${roleArn || '(empty)'} is invalid: RoleArn must be arn:aws:iam::<12-digit account>:role/<name>`,
    );
  if (!sessionNamePattern.test(sessionName)) {
    throw new StsError(
      400,
      'ValidationError',
      "1 validation error detected: Value at 'roleSessionName' failed to satisfy constraint: Member must have length 2-64 and match [\\w+=,.@-]*",
    );
  }
  const duration = durationRaw === null ? sessionSeconds.default : Number(durationRaw);
  if (!Number.isInteger(duration) || duration < sessionSeconds.min || duration > sessionSeconds.max) {
    throw new StsError(
      400,
      'ValidationError',
      `The requested DurationSeconds exceeds the bounds: it must be between ${sessionSeconds.min} and ${sessionSeconds.max}`,
    );
  }
  if (settings.refusedRoleArns.includes(roleArn)) {
    throw new StsError(
      403,
      'AccessDenied',
      `User: arn:aws:iam::${account}:user/test is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
    );
  }
  const targetAccount = role[1] as string;
  const roleName = role[3] as string;
  const accessKeyId = `ASIA${targetAccount}${randomBytes(4).toString('hex').toUpperCase().slice(0, 4)}`;
  const expiration = new Date(settings.now + duration * 1000).toISOString();
  return {
    status: 200,
    xml:
      `<AssumeRoleResponse xmlns="${xmlns}"><AssumeRoleResult><Credentials>` +
      `<AccessKeyId>${accessKeyId}</AccessKeyId><SecretAccessKey>${randomBytes(20).toString('base64')}</SecretAccessKey>` +
      `<SessionToken>${randomBytes(32).toString('base64')}</SessionToken><Expiration>${expiration}</Expiration></Credentials>` +
      `<AssumedRoleUser><AssumedRoleId>AROA${targetAccount}:${escape(sessionName)}</AssumedRoleId>` +
      `<Arn>arn:aws:sts::${targetAccount}:assumed-role/${escape(roleName)}/${escape(sessionName)}</Arn></AssumedRoleUser>` +
      `</AssumeRoleResult>${metadata}</AssumeRoleResponse>`,
  };
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
