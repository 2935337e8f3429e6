import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { assumeRoleRefused, classifyError } from '../domain/errors';

/** Temporary credentials, in the shape SDK clients take. */
export interface AwsCredentialIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}
export type AwsCredentialIdentityProvider = () => Promise<AwsCredentialIdentity>;

export interface StsOptions {
  /** The Region of the STS endpoint (its regional endpoint; the dev stack's local STS ignores it). */
  region: string;
  /** Overrides the endpoint (else the SDK reads AWS_ENDPOINT_URL_STS, then the regional default). */
  endpoint?: string;
  /** Static credentials of the orchestrator itself (else the SDK's default provider chain). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** How long an assumed role's credentials are asked for (STS's default, and the most a chained role may have). */
export const assumedSessionSeconds = 3600;
/** Credentials are replaced this long before they expire, so no call is ever signed with expiring ones. */
export const refreshBeforeExpiryMs = 5 * 60_000;

export interface AssumeRoleRequest {
  accountId: string;
  roleArn: string;
  /** How a refusal names where the mapping is (e.g. "efs-orchestrator-system/ack-role-account-map"). */
  mappedIn: string;
}

/** The part of STS the orchestrator uses: assuming a role, and asking who it is. */
export interface StsCalls {
  assumeRole(roleArn: string, sessionName: string, durationSeconds: number): Promise<AwsCredentialIdentity>;
  ownAccountId(): Promise<string>;
}

export function stsCalls(options: StsOptions): StsCalls {
  const client = new STSClient({
    region: options.region,
    endpoint: options.endpoint,
    maxAttempts: 1,
    ...(options.credentials ? { credentials: options.credentials } : {}),
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 20_000 },
  });
  return {
    async assumeRole(roleArn, sessionName, durationSeconds) {
      const out = await client.send(
        new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName, DurationSeconds: durationSeconds }),
      );
      const c = out.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey)
        throw new Error(`STS AssumeRole of ${roleArn} returned no credentials`);
      return {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        sessionToken: c.SessionToken,
        expiration: c.Expiration,
      };
    },
    async ownAccountId() {
      const out = await client.send(new GetCallerIdentityCommand({}));
      if (!out.Account) throw new Error('STS GetCallerIdentity returned no account');
      return out.Account;
    },
  };
}

/**
 * Credentials of assumed roles, one session per role ARN, shared by every client of that account,
 * assumed on first use and again shortly before they expire (never on every call). Concurrent
 * callers share one AssumeRole. A refusal becomes AssumeRoleRefused (recoverable: it is asked again
 * on the next call, so a fixed trust policy or ARN takes effect without a restart); a transient
 * failure stays what the classifier says it is.
 */
export class AssumedRoles {
  private readonly sessions = new Map<string, Promise<AwsCredentialIdentity>>();
  private ownAccount: Promise<string> | undefined;

  constructor(
    private readonly sts: StsCalls,
    private readonly sessionName = 'efs-orchestrator',
    private readonly now: () => number = Date.now,
  ) {}

  /** The account of the orchestrator's own credentials (asked once). */
  ownAccountId(): Promise<string> {
    this.ownAccount ??= this.sts.ownAccountId().catch((err: unknown) => {
      this.ownAccount = undefined;
      throw err;
    });
    return this.ownAccount;
  }

  /** Credentials for the role, from the cache while they have more than refreshBeforeExpiryMs left. */
  async credentials(request: AssumeRoleRequest): Promise<AwsCredentialIdentity> {
    const cached = this.sessions.get(request.roleArn);
    if (cached) {
      const credentials = await cached.catch(() => undefined);
      if (credentials && !this.expiring(credentials)) return credentials;
      if (this.sessions.get(request.roleArn) !== cached) return this.credentials(request);
    }
    const assumed = this.assume(request);
    this.sessions.set(request.roleArn, assumed);
    assumed.catch(() => {
      if (this.sessions.get(request.roleArn) === assumed) this.sessions.delete(request.roleArn);
    });
    return assumed;
  }

  /** A provider for SDK clients of that account: always the current session of the role. */
  provider(request: AssumeRoleRequest): AwsCredentialIdentityProvider {
    return () => this.credentials(request);
  }

  private expiring(credentials: AwsCredentialIdentity): boolean {
    const expiration = credentials.expiration?.getTime();
    return expiration !== undefined && expiration - this.now() <= refreshBeforeExpiryMs;
  }

  private async assume(request: AssumeRoleRequest): Promise<AwsCredentialIdentity> {
    try {
      return await this.sts.assumeRole(request.roleArn, this.sessionName, assumedSessionSeconds);
    } catch (err) {
      const failure = classifyError(err);
      if (failure.class === 'retryable') throw err;
      throw assumeRoleRefused(request.accountId, request.roleArn, request.mappedIn, failure);
    }
  }
}
