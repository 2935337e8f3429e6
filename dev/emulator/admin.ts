/**
 * The admin API: JSON over HTTP under `/__admin`, on the same port as the EFS API (no EFS path
 * starts with it). Tests and tools use it to reset state, change settings, drive the clock, force
 * lifecycle states, inject faults and read request counters. Endpoints are listed in README.md.
 */
import { type IncomingMessage, type ServerResponse } from 'node:http';
import {
  type AdminFileSystem,
  type AdminMountTarget,
  type ClockUpdate,
  type CreateDelayRequest,
  type FaultSpec,
  type ThrottleSettings,
  adminPrefix,
} from './admin-types';
import { type Emulator } from './emulator';
import { InvalidFaultSpec } from './faults';
import { readBody, send } from './http';
import { InvalidThrottleSettings } from './throttle';
import {
  type EmulatorConfig,
  type FileSystemRecord,
  type LifeCycleState,
  type MountTargetRecord,
  defaultConfig,
  fileSystemDescription,
  mountTargetDescription,
} from './model';

class AdminError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

type Body = Record<string, unknown>;
type AdminHandler = (emulator: Emulator, body: Body, params: string[]) => unknown;

/** Settable by hand: the states a resource can be held in. */
const settableStates: readonly LifeCycleState[] = ['creating', 'available', 'updating', 'error'];

interface AdminRoute {
  method: string;
  /** Below the admin prefix; `{id}` stands for one path segment, handed to the handler. */
  path: string;
  /** What it does, as the endpoint list (`GET /__admin`) says. */
  summary: string;
  handler: AdminHandler;
  status?: number;
}

const routes: AdminRoute[] = [
  { method: 'GET', path: '/', summary: 'this list of endpoints', handler: () => endpointList() },
  {
    method: 'GET',
    path: '/health',
    summary: 'whether the emulator answers',
    handler: () => ({ ok: true, service: 'efs-emulator' }),
  },
  {
    method: 'POST',
    path: '/reset',
    summary: 'forget every resource, fault, counter and delay override; restore the starting settings',
    handler: (e) => {
      e.reset();
      return { ok: true };
    },
  },
  { method: 'GET', path: '/config', summary: 'the settings', handler: (e) => configView(e) },
  { method: 'PATCH', path: '/config', summary: 'change settings', handler: (e, body) => updateConfig(e, body) },
  { method: 'POST', path: '/config', summary: 'change settings', handler: (e, body) => updateConfig(e, body) },
  { method: 'GET', path: '/clock', summary: 'emulated time', handler: (e) => e.clock.state() },
  {
    method: 'POST',
    path: '/clock',
    summary: 'advance, set, scale, freeze or resume emulated time',
    handler: (e, body) => updateClock(e, body as ClockUpdate),
  },
  {
    method: 'GET',
    path: '/file-systems',
    summary: 'every file system with its pending transition',
    handler: (e) => ({ fileSystems: listFileSystems(e) }),
  },
  {
    method: 'POST',
    path: '/file-systems/{id}/state',
    summary: "force a file system's lifecycle state",
    handler: (e, body, [id]) => setFileSystemState(e, id as string, body),
  },
  {
    method: 'GET',
    path: '/mount-targets',
    summary: 'every mount target with its pending transition',
    handler: (e) => ({ mountTargets: listMountTargets(e) }),
  },
  {
    method: 'POST',
    path: '/mount-targets/{id}/state',
    summary: "force a mount target's lifecycle state",
    handler: (e, body, [id]) => setMountTargetState(e, id as string, body),
  },
  {
    method: 'GET',
    path: '/create-delays',
    summary: 'the create-delay overrides',
    handler: (e) => ({ overrides: e.store.createDelayOverrides }),
  },
  {
    method: 'POST',
    path: '/create-delays',
    summary: 'hold the next create (by creation token, or the next N) in creating for a while',
    handler: (e, body) => addCreateDelay(e, body as CreateDelayRequest),
  },
  {
    method: 'DELETE',
    path: '/create-delays',
    summary: 'drop the create-delay overrides',
    handler: (e) => {
      e.store.createDelayOverrides = [];
      return { overrides: [] };
    },
  },
  { method: 'GET', path: '/faults', summary: 'the fault rules', handler: (e) => ({ faults: e.faults.list() }) },
  {
    method: 'POST',
    path: '/faults',
    summary: 'add a fault rule',
    handler: (e, body) => addFault(e, body as unknown as FaultSpec),
    status: 201,
  },
  {
    method: 'DELETE',
    path: '/faults',
    summary: 'remove every fault rule',
    handler: (e) => {
      e.faults.clear();
      return { faults: [] };
    },
  },
  {
    method: 'DELETE',
    path: '/faults/{id}',
    summary: 'remove one fault rule',
    handler: (e, _body, [id]) => {
      if (!e.faults.remove(id as string)) throw new AdminError(404, `no fault rule '${id}'`);
      return { removed: id };
    },
  },
  {
    method: 'POST',
    path: '/faults/release',
    summary: 'let responses held by pauseAfter go (one rule or all)',
    handler: (e, body) => ({ released: e.faults.release(optionalText(body.id, 'id')) }),
  },
  {
    method: 'GET',
    path: '/throttle',
    summary:
      'the request-rate throttle: settings and, per account, Region and operation family, requests let through and throttled',
    handler: (e) => e.throttle.status(),
  },
  {
    method: 'PATCH',
    path: '/throttle',
    summary: 'change the throttle (enabled, ratePerSecond, burst, families); buckets start full again',
    handler: (e, body) => ({ settings: e.throttle.update(body as Partial<ThrottleSettings>) }),
  },
  { method: 'GET', path: '/counters', summary: 'request counters', handler: (e) => e.counters.snapshot() },
  {
    method: 'DELETE',
    path: '/counters',
    summary: 'zero the request counters',
    handler: (e) => {
      e.counters.reset();
      e.throttle.resetCounters();
      return e.counters.snapshot();
    },
  },
];

/** `/faults/{id}` -> /^\/faults\/([^/]+)$/ */
const routePatterns = new Map(
  routes.map((route) => {
    const escaped = route.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '([^/]+)');
    return [route, new RegExp(`^${escaped}$`)];
  }),
);

function endpointList(): { service: string; endpoints: { method: string; path: string; summary: string }[] } {
  return {
    service: 'efs-emulator admin API',
    endpoints: routes.map(({ method, path, summary }) => ({
      method,
      path: path === '/' ? adminPrefix : adminPrefix + path,
      summary,
    })),
  };
}

export async function handleAdmin(
  emulator: Emulator,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const path = url.pathname.slice(adminPrefix.length) || '/';
  const method = req.method ?? 'GET';
  try {
    const raw = await readBody(req);
    const candidates = routes.filter((r) => routePatterns.get(r)?.test(path));
    const route = candidates.find((r) => r.method === method);
    if (!route) {
      throw candidates.length > 0
        ? new AdminError(405, `${method} is not supported on ${adminPrefix}${path}`)
        : new AdminError(404, `no admin endpoint ${adminPrefix}${path}; GET ${adminPrefix} lists them`);
    }
    const params = (routePatterns.get(route)?.exec(path) ?? []).slice(1).map((p) => decodeURIComponent(p));
    const body = parseAdminBody(raw);
    const output = route.handler(emulator, body, params);
    send(res, { status: route.status ?? 200, body: output }, 'admin');
  } catch (err) {
    const status =
      err instanceof AdminError
        ? err.status
        : err instanceof InvalidFaultSpec || err instanceof InvalidThrottleSettings
          ? 400
          : 500;
    send(res, { status, body: { error: (err as Error).message } }, 'admin');
  }
}

function parseAdminBody(raw: string): Body {
  if (raw.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Body;
  } catch {
    // reported below
  }
  throw new AdminError(400, 'the request body must be a JSON object');
}

function optionalText(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new AdminError(400, `${name} must be a string`);
  return value;
}

// ------------------------------------------------------------------------------------------------
// Settings

function configView(emulator: Emulator): EmulatorConfig & { timeScale: number } {
  return { ...emulator.config, timeScale: emulator.clock.state().scale };
}

const numericSettings = [
  'createDelayMs',
  'updateDelayMs',
  'deleteDelayMs',
  'mountTargetCreateDelayMs',
  'mountTargetDeleteDelayMs',
  'accessPointCreateDelayMs',
  'replicationEnableDelayMs',
  'replicationDeleteDelayMs',
  'fileSystemLimit',
  'accessPointLimit',
] as const;

function updateConfig(emulator: Emulator, body: Body): ReturnType<typeof configView> {
  const next: EmulatorConfig = { ...emulator.config };
  for (const [key, value] of Object.entries(body)) {
    if ((numericSettings as readonly string[]).includes(key)) {
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
        throw new AdminError(400, `${key} must be a non-negative number`);
      next[key as (typeof numericSettings)[number]] = value;
    } else if (key === 'pageSizeCap') {
      if (value !== null && !(typeof value === 'number' && Number.isInteger(value) && value >= 1)) {
        throw new AdminError(400, 'pageSizeCap must be null or an integer of at least 1');
      }
      next.pageSizeCap = value as number | null;
    } else if (key === 'region') {
      if (typeof value !== 'string' || !/^[a-z]+(-[a-z]+)+-\d+$/.test(value))
        throw new AdminError(400, 'region must look like us-east-1');
      next.region = value;
    } else if (key === 'accountId') {
      if (typeof value !== 'string' || !/^\d{12}$/.test(value))
        throw new AdminError(400, 'accountId must be 12 digits');
      next.accountId = value;
    } else if (key === 'refusedRoleArns') {
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))
        throw new AdminError(400, 'refusedRoleArns must be a list of role ARNs');
      next.refusedRoleArns = value as string[];
    } else if (key === 'timeScale') {
      if (typeof value !== 'number' || !(value > 0)) throw new AdminError(400, 'timeScale must be a positive number');
    } else {
      throw new AdminError(
        400,
        `unknown setting '${key}'; settings: ${[...Object.keys(defaultConfig), 'timeScale'].join(', ')}`,
      );
    }
  }
  if (typeof body.timeScale === 'number') emulator.clock.setScale(body.timeScale);
  emulator.config = next;
  return configView(emulator);
}

function updateClock(emulator: Emulator, update: ClockUpdate) {
  const { clock } = emulator;
  if (update.set !== undefined) {
    const time = typeof update.set === 'number' ? update.set : Date.parse(update.set);
    if (!Number.isFinite(time)) throw new AdminError(400, 'set must be epoch milliseconds or an ISO-8601 time');
    clock.set(time);
  }
  if (update.advanceMs !== undefined) {
    if (typeof update.advanceMs !== 'number' || !Number.isFinite(update.advanceMs))
      throw new AdminError(400, 'advanceMs must be a number');
    clock.advance(update.advanceMs);
  }
  if (update.scale !== undefined) {
    if (typeof update.scale !== 'number' || !(update.scale > 0))
      throw new AdminError(400, 'scale must be a positive number');
    clock.setScale(update.scale);
  }
  if (update.frozen !== undefined) {
    if (typeof update.frozen !== 'boolean') throw new AdminError(400, 'frozen must be a boolean');
    clock.setFrozen(update.frozen);
  }
  return clock.state();
}

// ------------------------------------------------------------------------------------------------
// Resources and their states

function settled(emulator: Emulator): void {
  emulator.store.settleAll(emulator.clock.now());
}

function adminFileSystem(emulator: Emulator, fs: FileSystemRecord): AdminFileSystem {
  return {
    FileSystemId: fs.id,
    CreationToken: fs.creationToken,
    LifeCycleState: fs.lifecycle.state,
    region: fs.region,
    ownerId: fs.ownerId,
    ...(fs.lifecycle.next ? { nextTransition: { ...fs.lifecycle.next } } : {}),
    ...(fs.throughputRestrictedUntil !== undefined ? { throughputRestrictedUntil: fs.throughputRestrictedUntil } : {}),
    ...(fs.backupStatus !== undefined ? { backupStatus: fs.backupStatus } : {}),
    description: fileSystemDescription(fs, emulator.store.mountTargetsOf(fs.id).length),
  };
}

function adminMountTarget(mt: MountTargetRecord): AdminMountTarget {
  return {
    MountTargetId: mt.id,
    FileSystemId: mt.fileSystemId,
    LifeCycleState: mt.lifecycle.state,
    region: mt.region,
    ...(mt.lifecycle.next ? { nextTransition: { ...mt.lifecycle.next } } : {}),
    description: mountTargetDescription(mt),
  };
}

function listFileSystems(emulator: Emulator): AdminFileSystem[] {
  settled(emulator);
  return [...emulator.store.fileSystems.values()].map((fs) => adminFileSystem(emulator, fs));
}

function listMountTargets(emulator: Emulator): AdminMountTarget[] {
  settled(emulator);
  return [...emulator.store.mountTargets.values()].map(adminMountTarget);
}

function requestedState(body: Body): LifeCycleState {
  const state = body.state;
  if (typeof state !== 'string' || !(settableStates as readonly string[]).includes(state)) {
    throw new AdminError(400, `state must be one of ${settableStates.join(', ')}`);
  }
  return state as LifeCycleState;
}

function setFileSystemState(emulator: Emulator, id: string, body: Body): AdminFileSystem {
  const state = requestedState(body);
  settled(emulator);
  const fs = emulator.store.fileSystems.get(id);
  if (!fs) throw new AdminError(404, `no file system '${id}'`);
  fs.lifecycle = { state };
  return adminFileSystem(emulator, fs);
}

function setMountTargetState(emulator: Emulator, id: string, body: Body): AdminMountTarget {
  const state = requestedState(body);
  settled(emulator);
  const mt = emulator.store.mountTargets.get(id);
  if (!mt) throw new AdminError(404, `no mount target '${id}'`);
  mt.lifecycle = { state };
  return adminMountTarget(mt);
}

function addCreateDelay(emulator: Emulator, request: CreateDelayRequest) {
  const { creationToken, next } = request;
  const delayMs = request.delayMs ?? null;
  if ((creationToken === undefined) === (next === undefined))
    throw new AdminError(400, 'give exactly one of creationToken and next');
  if (creationToken !== undefined && (typeof creationToken !== 'string' || creationToken === '')) {
    throw new AdminError(400, 'creationToken must be a non-empty string');
  }
  if (next !== undefined && !(Number.isInteger(next) && next >= 1))
    throw new AdminError(400, 'next must be an integer of at least 1');
  if (delayMs !== null && !(typeof delayMs === 'number' && delayMs >= 0))
    throw new AdminError(400, 'delayMs must be null or a non-negative number');
  emulator.store.createDelayOverrides.push(
    creationToken !== undefined ? { creationToken, delayMs } : { remaining: next, delayMs },
  );
  return { overrides: emulator.store.createDelayOverrides };
}

function addFault(emulator: Emulator, spec: FaultSpec) {
  if (typeof spec !== 'object' || spec === null) throw new AdminError(400, 'the body must be a fault rule');
  return emulator.faults.add(spec);
}
