import { type KubeConfig } from '@kubernetes/client-node';
import { type Condition } from '../../api/filesystem';
import { kindInfo, kinds, type KindName } from '../../api/kinds';
import { type KubeObject } from '../../api/object';
import { workflowIdFor } from '../../api/workflow-contract';
import { KindClient } from '../../kube/client';
import { ConfigError, parsers, type Setting } from '../../shared/config';

/**
 * How the operating commands name and find objects of every kind in the registry
 * (src/api/kinds.ts): `<kind>/<namespace>/<name>`, or `<namespace>/<name>` and `<name>` for a
 * FileSystem, and `--kind`, `--namespace` and `--selector` for sets of objects.
 */

const setting = <T>(s: Setting<T>): Setting<T> => s;

const kindNames = Object.keys(kinds) as KindName[];

/** The kind the bare `<namespace>/<name>` and `<name>` forms mean. */
const defaultKind: KindName = 'FileSystem';

/** A kind by any name kubectl accepts for it: kind, singular, plural or short name, in any case. */
export function kindNamed(word: string): KindName | undefined {
  const wanted = word.toLowerCase();
  return kindNames.find((kind) => {
    const { names } = kindInfo(kind);
    return [names.kind, names.singular, names.plural, ...names.shortNames].some((n) => n.toLowerCase() === wanted);
  });
}

function parseKind(word: string): KindName {
  const kind = kindNamed(word);
  if (kind) return kind;
  const known = kindNames.map((k) => kindInfo(k).names.singular).join(', ');
  throw new ConfigError(`"${word}" is not a kind; the kinds are ${known} (or their plural and short names)`);
}

/** `filesystem,mounttarget`: those kinds, in the registry's order; empty: every kind. */
function parseKindList(raw: string): KindName[] {
  const wanted = new Set(raw.split(',').filter(Boolean).map(parseKind));
  return kindNames.filter((kind) => wanted.has(kind));
}

export const selectionSettings = {
  namespace: setting({
    flag: 'namespace',
    default: '',
    description: 'Kubernetes namespace of the objects (empty: all; for <name> without a namespace: default)',
    parse: parsers.string,
  }),
  selector: setting({
    flag: 'selector',
    default: '',
    description: 'Only objects matching this label selector, e.g. team=storage',
    parse: parsers.string,
  }),
  kind: setting<KindName[]>({
    flag: 'kind',
    default: [],
    description: `Only objects of these kinds, comma-separated (empty: all of ${kindNames.join(', ')})`,
    parse: parseKindList,
  }),
};

export interface ObjectArgument {
  kind: KindName;
  namespace: string;
  name: string;
}

/** `<kind>/<namespace>/<name>`, `<namespace>/<name>` (a FileSystem), or `<name>` in the given (else `default`) namespace. */
export function parseObjectArgument(arg: string, namespace = ''): ObjectArgument {
  const parts = arg.split('/');
  if (parts.every(Boolean)) {
    if (parts.length === 1) return { kind: defaultKind, namespace: namespace || 'default', name: arg };
    if (parts.length === 2) return { kind: defaultKind, namespace: parts[0] as string, name: parts[1] as string };
    if (parts.length === 3) {
      return { kind: parseKind(parts[0] as string), namespace: parts[1] as string, name: parts[2] as string };
    }
  }
  throw new ConfigError(`"${arg}" is not <kind>/<namespace>/<name> or <namespace>/<name> (a FileSystem)`);
}

/** The shortest argument that names the object again: the inverse of parseObjectArgument. */
export function formatObjectArgument({ kind, namespace, name }: ObjectArgument): string {
  return kind === defaultKind ? `${namespace}/${name}` : `${kindInfo(kind).names.singular}/${namespace}/${name}`;
}

/** "FileSystem, MountTarget or AccessPoint", for messages about a set of kinds. */
export function kindsPhrase(selected: readonly KindName[]): string {
  const list = selected.length > 0 ? selected : kindNames;
  return list.length === 1 ? (list[0] as string) : `${list.slice(0, -1).join(', ')} or ${list.at(-1) as string}`;
}

/** One object the API server returned, with the kind it was asked for. */
export interface SelectedObject {
  kind: KindName;
  obj: KubeObject;
}

export const argumentOf = ({ kind, obj }: SelectedObject): string =>
  formatObjectArgument({ kind, namespace: obj.metadata.namespace, name: obj.metadata.name });

export const workflowIdOf = ({ kind, obj }: SelectedObject): string =>
  workflowIdFor(kindInfo(kind).names.kind, obj.metadata);

export const conditionOf = (obj: KubeObject, type: string): Condition | undefined =>
  obj.status?.conditions?.find((c) => c.type === type);

/**
 * The AWS id of the object's own resource. ACK names it after the kind: `fileSystemID`,
 * `mountTargetID`, `accessPointID`.
 */
export function resourceIdOf({ kind, obj }: SelectedObject): string | undefined {
  const field = `${kind.charAt(0).toLowerCase()}${kind.slice(1)}ID`;
  const id = (obj.status as Record<string, unknown> | undefined)?.[field];
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/** Reads objects of every kind through the orchestrator's Kubernetes client. */
export class ObjectSelection {
  private readonly clients = new Map<KindName, KindClient>();

  constructor(private readonly kc: KubeConfig) {}

  private client(kind: KindName): KindClient {
    let client = this.clients.get(kind);
    if (!client) {
      client = new KindClient(this.kc, kindInfo(kind).names);
      this.clients.set(kind, client);
    }
    return client;
  }

  async get(ref: ObjectArgument): Promise<SelectedObject | undefined> {
    const obj = await this.client(ref.kind).getByName(ref.namespace, ref.name);
    return obj ? { kind: ref.kind, obj } : undefined;
  }

  /** The objects of these kinds (empty: all), by kind in the registry's order, then namespace and name. */
  async list(selected: readonly KindName[], namespace: string, labelSelector: string): Promise<SelectedObject[]> {
    const out: SelectedObject[] = [];
    for (const kind of selected.length > 0 ? selected : kindNames) {
      const { items } = await this.client(kind).list(namespace || undefined, labelSelector || undefined);
      const key = (o: KubeObject): string => `${o.metadata.namespace}/${o.metadata.name}`;
      items.sort((a, b) => key(a).localeCompare(key(b)));
      out.push(...items.map((obj) => ({ kind, obj })));
    }
    return out;
  }
}
