/**
 * moto's server (an independent EFS implementation, installed into the stack's virtualenv by
 * ensurePythonTools) as a conformance peer, plus the bits of its EC2 API that mount targets need.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensurePythonTools } from '../../../dev/stack/python';
import { waitFor } from '../../../dev/stack/process';
import { stackDir } from '../../../src/shared/paths';
import { freePort } from '../../support/free-port';
import { quietLog } from './emulator';
import { signedHeaders } from './sigv4';

export interface MotoServer {
  url: string;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export async function startMoto(): Promise<MotoServer> {
  const tools = ensurePythonTools(stackDir(), quietLog);
  if (!fs.existsSync(tools.motoServer)) {
    throw new Error(
      `moto_server is missing at ${tools.motoServer}: delete ${path.join(tools.venv, '.requirements.sha256')} and rerun to reinstall dev/requirements.txt`,
    );
  }
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(tools.motoServer, ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitFor(
    `moto_server on ${url}`,
    async () => {
      if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}: ${output}`);
      return (await fetch(`${url}/moto-api/`)).ok;
    },
    { timeoutMs: 60_000, intervalMs: 100 },
  );
  return {
    url,
    async reset() {
      const response = await fetch(`${url}/moto-api/reset`, { method: 'POST' });
      if (!response.ok) throw new Error(`moto reset failed: ${response.status}`);
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface Subnet {
  id: string;
  zone: string;
}

async function ec2(url: string, params: Record<string, string>): Promise<string> {
  const body = new URLSearchParams({ ...params, Version: '2016-11-15' }).toString();
  const headers = signedHeaders({
    method: 'POST',
    url: `${url}/`,
    region: 'us-east-1',
    service: 'ec2',
    body,
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
  });
  const response = await fetch(`${url}/`, { method: 'POST', headers, body });
  const text = await response.text();
  if (!response.ok) throw new Error(`EC2 ${params.Action} on moto failed: ${response.status} ${text.slice(0, 500)}`);
  return text;
}

/** The default subnets of moto's default VPC in us-east-1, one per zone (ids are random, so asked for). */
export async function motoDefaultSubnets(url: string): Promise<Subnet[]> {
  const xml = await ec2(url, { Action: 'DescribeSubnets' });
  const subnets: Subnet[] = [];
  for (const chunk of xml.split('<subnetId>').slice(1)) {
    const id = chunk.slice(0, chunk.indexOf('</subnetId>'));
    const zone = /<availabilityZone>([^<]+)<\/availabilityZone>/.exec(chunk)?.[1];
    if (zone) subnets.push({ id, zone });
  }
  return subnets.sort((a, b) => (a.zone < b.zone ? -1 : 1));
}

export async function motoDefaultSecurityGroup(url: string): Promise<string> {
  const xml = await ec2(url, { Action: 'DescribeSecurityGroups', 'GroupName.1': 'default' });
  const id = /<groupId>([^<]+)<\/groupId>/.exec(xml)?.[1];
  if (!id) throw new Error(`no default security group in moto's answer: ${xml.slice(0, 500)}`);
  return id;
}
